import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, run, scratch } from "./repo.js";

const script = join(ROOT, "scripts/api-report.mjs");

describe("the API reports", () => {
  it("match every library's built declarations: a change to a public API shows in review", () => {
    const r = run(process.execPath, [script, "--check"], ROOT);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("fail, naming the package and what to run, when a declaration changes without its report", () => {
    const tree = scratch("api");
    cpSync(join(ROOT, "packages/losses"), join(tree, "packages/losses"), { recursive: true, filter: (f) => !f.includes("node_modules") });
    const declarations = join(tree, "packages/losses/dist/index.d.ts");
    writeFileSync(declarations, `${readFileSync(declarations, "utf8")}\ndeclare function extra(): void;\nexport { extra };\n`);
    const r = run(process.execPath, [script, "--check"], tree, { API_REPORT_ROOT: tree });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("The public API changed in packages/losses: run `node scripts/api-report.mjs` and commit the reports");
  });
});
