// The public API of every library package, as its built declarations state it: for each
// `dist/*.d.ts`, the declarations printed without their comments, into
// `packages/<name>/api-report.md`. Committed, so that every change to a public API shows in
// review as a change to that file.
//
//   node scripts/api-report.mjs          writes the reports (after `pnpm build`)
//   node scripts/api-report.mjs --check  fails, naming the packages, where a report is out of date
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// The repository; API_REPORT_ROOT points the check at another tree (its own test does).
const root = process.env.API_REPORT_ROOT ?? fileURLToPath(new URL("..", import.meta.url));
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** The report of the package in `dir`: each entry's declarations, comments left out. */
function report(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const dist = join(dir, "dist");
  const entries = readdirSync(dist).filter((f) => f.endsWith(".d.ts")).sort();
  if (entries.length === 0) throw new Error(`${manifest.name}: no dist/*.d.ts — run pnpm build first`);
  const sections = entries.map((file) => {
    const source = ts.createSourceFile(file, readFileSync(join(dist, file), "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    return `## dist/${file}\n\n\`\`\`ts\n${printer.printFile(source).trim()}\n\`\`\`\n`;
  });
  return `# API report: ${manifest.name}\n\nThe public declarations as built (\`node scripts/api-report.mjs\` writes this file; \`pnpm test\` checks it).\n\n${sections.join("\n")}`;
}

const check = process.argv.includes("--check");
const stale = [];
for (const name of readdirSync(join(root, "packages")).sort()) {
  const dir = join(root, "packages", name);
  if (!existsSync(join(dir, "package.json"))) continue;
  const file = join(dir, "api-report.md");
  const text = report(dir);
  if (check) {
    if (!existsSync(file) || readFileSync(file, "utf8") !== text) stale.push(`packages/${name}`);
  } else writeFileSync(file, text);
}
if (stale.length > 0) {
  console.error(`The public API changed in ${stale.join(", ")}: run \`node scripts/api-report.mjs\` and commit the reports, so that the change shows in review.`);
  process.exit(1);
}
