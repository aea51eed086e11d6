// Counts the tests that every package's vitest run recorded in its test-results.json and prints
// the line CI reads: "N passed, N failed". A package whose run crashed before writing its report
// counts as one failure, so a broken run can never look green.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
const workspaces = [...["packages", "apps"].flatMap((group) => (existsSync(group) ? readdirSync(group).map((name) => join(group, name)) : [])), "checks"];
for (const dir of workspaces) {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) continue;
  if (!JSON.parse(readFileSync(manifest, "utf8")).scripts?.test) continue;
  const report = join(dir, "test-results.json");
  if (!existsSync(report)) {
    console.error(`${dir}: no test-results.json (its tests did not run to the end)`);
    failed += 1;
    continue;
  }
  const results = JSON.parse(readFileSync(report, "utf8"));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
}
console.log(`${passed} passed, ${failed} failed`);
