import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, run, scratch } from "./repo.js";

// The API reference as `pnpm docs` builds it (TypeDoc, warnings treated as errors), and the
// READMEs' links into it: each link must name a page the build makes.
const SITE = "https://micrograd-ts.github.io/micrograd-ts/";
const LIBRARIES = readdirSync(join(ROOT, "packages")).filter((dir) => existsSync(join(ROOT, "packages", dir, "api-report.md")));
let out: string;
let log: { code: number | null; stdout: string; stderr: string };

beforeAll(() => {
  out = scratch("docs");
  log = run(join(ROOT, "node_modules/.bin/typedoc"), ["--out", out], ROOT);
});

describe("the API reference", () => {
  it("builds with no warning", () => {
    expect(log.stdout + log.stderr).not.toMatch(/\[warning\]|\[error\]/);
    expect(log.code).toBe(0);
  });

  it.each(LIBRARIES)("documents every export of @micrograd/%s", (dir) => {
    const report = readFileSync(join(ROOT, "packages", dir, "api-report.md"), "utf8");
    const exported = [...report.matchAll(/^export \{([^}]*)\}/gm)].flatMap((m) => (m[1] as string).split(",")).map((name) => name.trim().replace(/^type /, "")).filter(Boolean);
    expect(exported.length).toBeGreaterThan(0);
    const pages = readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) => f.includes(`_micrograd_${dir}`));
    const text = pages.map((f) => readFileSync(join(out, f), "utf8")).join("\n");
    for (const name of exported) expect(text, name).toContain(`>${name}<`);
  });

  it.each(LIBRARIES)("is linked from the README of @micrograd/%s, to a page the build makes", (dir) => {
    const readme = readFileSync(join(ROOT, "packages", dir, "README.md"), "utf8");
    const links = [...readme.matchAll(/\((https:\/\/micrograd-ts\.github\.io\/micrograd-ts\/[^)]*)\)/g)].map((m) => m[1] as string);
    expect(links).toEqual([`${SITE}modules/_micrograd_${dir}.html`]);
    expect(existsSync(join(out, "modules", `_micrograd_${dir}.html`))).toBe(true);
  });

  it("is linked from the root README", () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain(`](${SITE})`);
    expect(existsSync(join(out, "index.html"))).toBe(true);
  });
});
