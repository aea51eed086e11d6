import { defineConfig } from "tsup";

// The CLI ships one executable ESM file; the packages it uses stay dependencies.
export default defineConfig({
  entry: ["src/cli.ts"],
  format: ["esm"],
  target: "node18",
  banner: { js: "#!/usr/bin/env node" },
  sourcemap: true,
  clean: true,
});
