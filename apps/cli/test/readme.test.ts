import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// The command as `pnpm micrograd` runs it: the root's script, `node apps/cli/bin/micrograd.js`.
const BIN = join(ROOT, "apps/cli/bin/micrograd.js");

/** Splits a shell line into words, honouring double quotes (all the README uses). */
const words = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");

it("runs the README's CLI session as written, through the root's micrograd script", () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  expect(scripts.micrograd).toBe("node apps/cli/bin/micrograd.js");
  expect(existsSync(BIN)).toBe(true);
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /<!-- cli-session -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const cwd = mkdtempSync(join(tmpdir(), "micrograd-readme-"));
  for (const line of (block as string).trim().split("\n")) {
    const [pnpm, script, ...args] = words(line);
    expect([pnpm, script]).toEqual(["pnpm", "micrograd"]);
    // The session's paths are relative to the repository root.
    const resolved = args.map((a) => (a.startsWith("apps/") ? join(ROOT, a) : a));
    const r = spawnSync(process.execPath, [BIN, ...resolved], { cwd, encoding: "utf8" });
    expect(r.stderr.split("\n").filter((l) => l.startsWith("micrograd:"))).toEqual([]);
    expect(r.status).toBe(0);
  }
  expect(readFileSync(join(cwd, "predictions.csv"), "utf8")).toMatch(/^colour,petal length,petal width,species,prediction,probability_iris major,probability_iris minor,probability_rosa\n\w+,[\d.]+,[\d.]+,[\w ]+,(rosa|iris major|iris minor),0\./);
  expect(existsSync(join(cwd, "graph.svg"))).toBe(true);
});
