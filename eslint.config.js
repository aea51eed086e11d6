import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // The rehearsal's TypeScript consumer is checked by its own strict settings against the
  // published packages (checks/test/rehearsal.test.ts), which a lint before any build cannot see.
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "**/coverage/**", "checks/fixtures/**/*.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "*.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", console: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
