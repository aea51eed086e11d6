import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { inspectOnnx } from "@micrograd/onnx";
import { describe, expect, it } from "vitest";
import { ROOT, output, readJson, run, scratch } from "./repo.js";

// Every code block of the READMEs runs, so that no example rots. Each README's blocks run in
// order in one scratch folder (a later block may read what an earlier one wrote, as a reader
// following the README would), against the built packages:
// - ts and js blocks are compiled by esbuild and run by Node from checks/node_modules/.readme-blocks,
//   where `@micrograd/*` and `onnxruntime-node` resolve to this workspace's;
// - sh blocks run line by line in bash, `micrograd` and `pnpm micrograd` being the built CLI,
//   except the lines listed in NOT_RUN, with the reason;
// - python blocks cannot run here (no Python ONNX Runtime can be installed), so the names they
//   feed and ask for, and the output order they state, are checked against the file.

interface Block {
  lang: string;
  line: number;
  code: string;
}

const READMES = [
  "README.md",
  ...["apps", "packages"].flatMap((parent) => readdirSync(join(ROOT, parent)).map((dir) => `${parent}/${dir}/README.md`)),
].filter((file) => existsSync(join(ROOT, file)));

/** Shell lines that are not run here, each with why (and what checks it instead). */
const NOT_RUN: [RegExp, string][] = [
  [/^pnpm -v .*pnpm install && pnpm demo\b/, "sets up and serves the demo until stopped: .ci/run runs the same install, and the demo's tests its build"],
  [/^pnpm test\b/, "the test command that runs this test"],
  [/^npm install -g @micrograd\/cli\b/, "a global install from npm: the release rehearsal installs the CLI from a registry and runs it"],
];

/** Files a README's examples expect in the folder they run in, copied from the repository. */
const WORKSPACE: Record<string, [from: string, to: string][]> = {
  "README.md": [["apps/cli/examples", "apps/cli/examples"]],
  "apps/cli/README.md": [["apps/cli/examples/flowers.csv", "flowers.csv"], ["apps/cli/examples/flowers.csv", "new.csv"], ["apps/cli/examples/flowers.csv", "test.csv"]],
};

function blocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    found.push({ lang: open[1] as string, line: i + 1, code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return found;
}

// Inside checks/node_modules, so that `@micrograd/*` resolve from there and neither git nor the
// linter sees the generated files.
const BLOCKS_DIR = join(ROOT, "checks/node_modules/.readme-blocks");
const CLI = join(ROOT, "apps/cli/bin/micrograd.js");

/** Runs a ts/js block as an ES module from BLOCKS_DIR, in `cwd`; returns its output. */
function runScript(file: string, block: Block, cwd: string): string {
  mkdirSync(BLOCKS_DIR, { recursive: true });
  const { code } = transformSync(block.code, { loader: "ts", format: "esm", target: "es2022" });
  const path = join(BLOCKS_DIR, `${file.replace(/\W+/g, "-")}-${block.line}.mjs`);
  writeFileSync(path, code);
  return output(process.execPath, [path], cwd);
}

/** Runs a shell line in bash, `micrograd` and `pnpm micrograd` being the built CLI. */
function runShell(line: string, cwd: string): void {
  const prelude = `micrograd() { node ${JSON.stringify(CLI)} "$@"; }\npnpm() { if [ "$1" = micrograd ]; then shift; micrograd "$@"; else command pnpm "$@"; fi; }\nset -eo pipefail\n`;
  const r = run("bash", ["-c", `${prelude}${line}`], cwd);
  expect(r.code, `${line}\n${r.stderr}`).toBe(0);
}

/** The shell lines of a block that are meant to run, without comments and blank lines. */
function shellLines(code: string): string[] {
  return code.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

/** Checks a Python ONNX Runtime block's names against the ONNX file it reads, in `cwd`. */
function checkPython(block: Block, cwd: string): void {
  const file = /InferenceSession\("([^"]+)"\)/.exec(block.code)?.[1];
  expect(file, "the block names the ONNX file it runs").toBeDefined();
  const info = inspectOnnx(readFileSync(join(cwd, file as string)));
  const run = /session\.run\(\[([^\]]*)\],\s*\{([\s\S]*?)\}\)/.exec(block.code);
  expect(run, "the block calls session.run([...names], {...feeds})").not.toBeNull();
  const asked = [...(run?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  const fed = [...(run?.[2] ?? "").matchAll(/^\s*"([^"]+)":/gm)].map((m) => m[1]);
  for (const name of asked) expect(info.outputs, `output ${name}`).toContain(name);
  expect([...fed].sort()).toEqual([...info.inputs].sort());
  const stated = /outputs come as ([\w, ]+)\./.exec(block.code)?.[1];
  if (stated !== undefined) expect(stated.split(/,\s*/)).toEqual(info.outputs);
  const unpacked = new RegExp(`^(\\w+(?:, \\w+)*) = session\\.run`, "m").exec(block.code)?.[1]?.split(", ");
  expect(unpacked, "the names unpacked are those asked for, in order").toEqual(asked);
}

describe.each(READMES.filter((file) => blocks(file).length > 0))("the code blocks of %s", (file) => {
  const found = blocks(file);
  const cwd = scratch("readme");
  for (const [from, to] of WORKSPACE[file] ?? []) cpSync(join(ROOT, from), join(cwd, to), { recursive: true });

  it.each(found.map((b) => [b.line, b.lang, b] as const))("line %i (%s) runs", (_, lang, block) => {
    if (lang === "ts" || lang === "js") runScript(file, block, cwd);
    else if (lang === "sh") {
      for (const line of shellLines(block.code)) {
        if (!NOT_RUN.some(([pattern]) => pattern.test(line))) runShell(line, cwd);
      }
    } else if (lang === "python") checkPython(block, cwd);
    else throw new Error(`${file}:${block.line}: no runner for ${lang} blocks; add one here`);
  });
});

describe("the README commands that are not run", () => {
  it("name root scripts that exist", () => {
    const scripts = readJson<{ scripts: Record<string, string> }>(join(ROOT, "package.json")).scripts;
    for (const file of READMES) {
      for (const block of blocks(file).filter((b) => b.lang === "sh")) {
        for (const line of shellLines(block.code).filter((l) => NOT_RUN.some(([p]) => p.test(l)))) {
          for (const [, name] of line.matchAll(/\bpnpm (\w[\w:-]*)/g)) {
            if (!["install", "-v", "i"].includes(name as string)) expect(scripts, `${file}: pnpm ${name}`).toHaveProperty(name as string);
          }
        }
      }
    }
  });
});
