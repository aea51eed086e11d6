import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PUBLISHED, ROOT, output, readJson, scratch } from "./repo.js";

// The packages as an outside project gets them: packed by pnpm, installed by npm from the tarballs
// alone (offline: nothing may come from the registry), then mixed the ways real installs mix them.
let packs: string;
let app: string;
const tarball = (dir: string) => join(packs, readdirSync(packs).find((f) => f.startsWith(`micrograd-${dir.split("/")[1]}-`)) as string);

interface Step {
  loss: number;
  grads: number[];
  dotNodes: number;
  graphSize: number;
  crossInstanceof: boolean;
  crossErrors: boolean;
}
const step = (mode: string): Step => JSON.parse(output("node", ["step.mjs", mode], app)) as Step;

beforeAll(() => {
  packs = scratch("packs");
  // Packed from the builds as they stand (checks' tests run after every package's build): the
  // prepack rebuild would pull dist from under the tests of other packages running beside this.
  for (const dir of PUBLISHED) output("pnpm", ["pack", "--pack-destination", packs], join(ROOT, dir), { npm_config_ignore_scripts: "true" });
  app = scratch("consumer");
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  cpSync(join(ROOT, "checks/fixtures/consumer"), app, { recursive: true });
  const names = ["packages/engine", "packages/nn", "packages/losses", "packages/viz"];
  output("npm", ["install", "--offline", "--no-audit", "--no-fund", ...names.map(tarball)], app);
});

describe("the packed packages in an outside project", () => {
  it("install without Graphviz's 5 MB wasm for users who only want toDot", () => {
    expect(existsSync(join(app, "node_modules/@micrograd/viz/dist/index.js"))).toBe(true);
    expect(existsSync(join(app, "node_modules/@viz-js"))).toBe(false);
  });

  it("give toSvg users a clear error naming the optional peer to install", () => {
    const script = `import("@micrograd/viz/svg").then((m) => m.dotToSvg("digraph {}")).catch((e) => console.log(e.message))`;
    expect(output("node", ["--input-type=module", "-e", script], app)).toContain("npm install @viz-js/viz");
  });

  it("give equal results, and graphs drawn in full, when the ESM and CJS builds are mixed", () => {
    const esm = step("esm");
    const mixed = step("cjs");
    expect(esm.graphSize).toBeGreaterThan(30);
    expect(esm.dotNodes).toBe(esm.graphSize);
    expect(mixed).toEqual(esm);
    expect(mixed.crossInstanceof).toBe(true);
    expect(mixed.crossErrors).toBe(true);
    expect(esm.grads.some((g) => g !== 0)).toBe(true);
  });

  it("give equal results when @micrograd/nn resolves its own, other engine version", () => {
    const single = step("esm");
    const nested = join(app, "node_modules/@micrograd/nn/node_modules/@micrograd/engine");
    cpSync(join(app, "node_modules/@micrograd/engine"), nested, { recursive: true });
    const manifest = readJson<{ version: string }>(join(nested, "package.json"));
    writeFileSync(join(nested, "package.json"), JSON.stringify({ ...manifest, version: "0.0.1-nested" }));
    const resolved = output("node", ["-e", "console.log(require.resolve('@micrograd/engine/package.json', { paths: [require.resolve('@micrograd/nn')] }))"], app);
    expect(resolved).toContain("nn/node_modules/@micrograd/engine");
    expect(step("esm")).toEqual(single);
    expect(step("cjs")).toEqual(single);
  });

  it("refuse an engine copy of another layout with one error that names it and how to dedupe", () => {
    const nested = join(app, "node_modules/@micrograd/nn/node_modules/@micrograd/engine");
    if (!existsSync(nested)) cpSync(join(app, "node_modules/@micrograd/engine"), nested, { recursive: true });
    for (const file of ["dist/index.js", "dist/index.cjs"]) {
      const path = join(nested, file);
      const source = readFileSync(path, "utf8");
      expect(source).toMatch(/var PROTOCOL = \d+;/);
      writeFileSync(path, source.replace(/var PROTOCOL = (\d+);/, (_, version: string) => `var PROTOCOL = ${Number(version) + 1};`));
    }
    const message = output("node", ["incompatible.mjs"], app);
    expect(message).toMatch(/^TypeError: .*another copy of @micrograd\/engine/);
    expect(message).toContain("npm ls @micrograd/engine");
    expect(message).toContain("npm dedupe");
  });
});

describe("the tarballs", () => {
  const contents = (dir: string) => output("tar", ["-tzf", tarball(dir)], ROOT).split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));

  it.each(PUBLISHED)("%s carries its build, LICENSE and README, and no tests or fixtures", (dir) => {
    const files = contents(dir);
    expect(files).toContain("LICENSE");
    expect(files).toContain("README.md");
    expect(files.some((f) => f.startsWith("dist/"))).toBe(true);
    expect(files.filter((f) => /(\.test[.-]|\.spec\.|__snapshots__|fixtures?\/|test-results|examples\/)/.test(f))).toEqual([]);
  });

  // The libraries' declarations (the CLI is a command and ships none).
  it.each(PUBLISHED.filter((dir) => dir.startsWith("packages/")))("%s: its declarations carry the public API only, no member tagged @internal", (dir) => {
    const declarations = contents(dir).filter((f) => /^dist\/.*\.d\.c?ts$/.test(f));
    expect(declarations.length).toBeGreaterThan(0);
    for (const file of declarations) {
      const text = readFileSync(join(ROOT, dir, file), "utf8");
      // An underscore member (`_op`, `_forward`…) or an @internal tag is an internal that leaked.
      expect(text.match(/^\s+(?:(?:readonly|static|private|protected)\s+)*_\w+\??[(:<]/gm) ?? [], `${dir}/${file}`).toEqual([]);
      expect(text.includes("@internal"), `${dir}/${file}`).toBe(false);
    }
  });

  it.each(PUBLISHED)("%s: its README names no package file that the tarball lacks", (dir) => {
    const files = new Set(contents(dir));
    const readme = readFileSync(join(ROOT, dir, "README.md"), "utf8");
    const links = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)\s#]+)/g)].map((m) => m[1] as string);
    const mentioned = [...readme.matchAll(/`([\w.-]+\/[\w./-]*)`/g)].map((m) => m[1] as string).filter((p) => existsSync(join(ROOT, dir, p)));
    const missing = [...links, ...mentioned].filter((p) => ![...files].some((f) => f === p.replace(/^\.\//, "") || f.startsWith(p.replace(/^\.\/|\/$/g, "") + "/")));
    expect(missing).toEqual([]);
  });

  it("states one supported Node version, the one CI tests, and where the code lives", () => {
    const root = readJson<{ engines: { node: string } }>(join(ROOT, "package.json"));
    for (const dir of PUBLISHED) {
      const manifest = readJson<Record<string, unknown>>(join(ROOT, dir, "package.json"));
      expect(manifest.engines, dir).toEqual(root.engines);
      expect(manifest.repository, dir).toMatchObject({ directory: dir });
      expect(manifest.homepage, dir).toMatch(/^https:\/\//);
      expect(manifest.bugs, dir).toMatchObject({ url: expect.stringMatching(/^https:\/\//) as unknown });
      expect(manifest.publishConfig, dir).toEqual({ access: "public" });
      expect((manifest.scripts as Record<string, string>).prepack, dir).toBe("node ../../scripts/prepack.mjs");
    }
    const [major, minor] = (/^>=(\d+)\.(\d+)$/.exec(root.engines.node) ?? []).slice(1).map(Number) as [number, number];
    const [nodeMajor, nodeMinor] = process.versions.node.split(".").map(Number) as [number, number];
    expect(nodeMajor > major || (nodeMajor === major && nodeMinor >= minor)).toBe(true);
  });
});
