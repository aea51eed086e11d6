import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, output, run, scratchRepo } from "./repo.js";

// Turbo's cache keys and the changesets flow, checked on a scratch copy of the repository so the
// edits they need never touch the working tree.
let repo: string;
const bin = (name: string) => join(ROOT, "node_modules/.bin", name);
const git = (...args: string[]) => output("git", ["-c", "user.name=checks", "-c", "user.email=checks@example.com", ...args], repo);

/**
 * The cache key of each task of `pkg` that `turbo run tasks` would run, as turbo's dry run
 * reports it — run as the root's scripts run turbo (`scripts/turbo.mjs`), with `env` on top.
 */
function hashes(pkg: string, tasks: readonly string[], env: Record<string, string> = {}): Record<string, string> {
  const r = spawnSync(process.execPath, [join(repo, "scripts/turbo.mjs"), "run", ...tasks, `--filter=${pkg}`, "--dry=json"], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}`, ...env },
  });
  if (r.status !== 0) throw new Error(`turbo --dry failed:\n${r.stderr}`);
  const dry = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as { tasks: { package: string; task: string; hash: string }[] };
  return Object.fromEntries(dry.tasks.filter((t) => t.package === pkg).map((t) => [t.task, t.hash]));
}

beforeAll(() => {
  repo = scratchRepo();
});

describe("turbo's cache", () => {
  const tasks = ["lint", "typecheck", "test", "build"];

  it("misses for every task of a package when a dependency's source changes", () => {
    const before = hashes("@micrograd/nn", tasks);
    const index = join(repo, "packages/engine/src/index.ts");
    const source = readFileSync(index, "utf8");
    writeFileSync(index, source.replace(/^export \{ Random \} from .*$/m, ""));
    const after = hashes("@micrograd/nn", tasks);
    writeFileSync(index, source);
    for (const task of tasks) expect(after[task], task).not.toBe(before[task]);
  });

  it("misses for lint, typecheck, test and build when the shared TypeScript settings change", () => {
    const before = hashes("@micrograd/engine", tasks);
    const file = join(repo, "tsconfig.base.json");
    const settings = readFileSync(file, "utf8");
    writeFileSync(file, settings.replace('"strict": true', '"strict": false'));
    const after = hashes("@micrograd/engine", tasks);
    writeFileSync(file, settings);
    for (const task of tasks) expect(after[task], task).not.toBe(before[task]);
  });

  it("misses when the Node.js version's major changes, and for the demo's tests when CHROMIUM_PATH does", () => {
    // scripts/turbo.mjs sets MICROGRAD_NODE_MAJOR from the running Node; set here, it stands for another Node.
    const now = hashes("@micrograd/engine", tasks);
    const other = hashes("@micrograd/engine", tasks, { MICROGRAD_NODE_MAJOR: "99" });
    for (const task of tasks) expect(other[task], task).toBe(now[task]); // the script overrides what the caller set
    const script = join(repo, "scripts/turbo.mjs");
    const source = readFileSync(script, "utf8");
    writeFileSync(script, source.replace('const major = process.versions.node.split(".")[0];', 'const major = "99";'));
    const onOtherNode = hashes("@micrograd/engine", tasks);
    writeFileSync(script, source);
    for (const task of tasks) expect(onOtherNode[task], task).not.toBe(now[task]);
    const demo = hashes("@micrograd/demo", ["test"]);
    expect(hashes("@micrograd/demo", ["test"], { CHROMIUM_PATH: "/opt/other/chromium" }).test).not.toBe(demo.test);
  });

  it("builds for `pnpm demo` the demo and the packages it uses, not the CLI (the root depends on no package)", () => {
    const dry = JSON.parse(output(bin("turbo"), ["run", "build", "--filter=@micrograd/demo...", "--dry=json"], repo)) as { tasks: { package: string }[] };
    const built = new Set(dry.tasks.map((t) => t.package));
    expect(built.has("@micrograd/demo") && built.has("@micrograd/engine")).toBe(true);
    expect(built.has("@micrograd/cli")).toBe(false);
  });

  it("still hits when only an unrelated package changes", () => {
    const before = hashes("@micrograd/nn", tasks);
    appendFileSync(join(repo, "packages/expr/src/index.ts"), "\n");
    const after = hashes("@micrograd/nn", tasks);
    git("checkout", "--", "packages/expr/src/index.ts");
    expect(after).toEqual(before);
  });
});

describe("the release flow", () => {
  const check = (...args: string[]) => run(process.execPath, [join(repo, "scripts/release-check.mjs"), ...args], repo);
  const commitAll = (message: string) => {
    git("add", "--all");
    git("commit", "--quiet", "--message", message);
  };

  it("holds the pending changesets of this repository to the versioning rules", () => {
    const result = run(process.execPath, ["scripts/release-check.mjs"], ROOT);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("fails a change to a package that carries no changeset, and one to a never-released package outside its initial-release changeset", () => {
    git("checkout", "--quiet", "-b", "feature");
    appendFileSync(join(repo, "packages/optim/src/index.ts"), "\n// a change a user could notice\n");
    git("commit", "--quiet", "--all", "--message", "optim: a change");
    const missing = run(bin("changeset"), ["status", "--since=main"], repo);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout + missing.stderr).toContain("no changesets were found");
    writeFileSync(join(repo, ".changeset/optim-change.md"), '---\n"@micrograd/optim": patch\n---\n\nA change a user could notice.\n');
    commitAll("optim: changeset");
    expect(run(bin("changeset"), ["status", "--since=main"], repo).code).toBe(0);
    const unreleased = check("--since=main");
    expect(unreleased.code).toBe(1);
    expect(unreleased.stderr).toContain(".changeset/optim-change.md: @micrograd/optim has never been released; describe this change in .changeset/initial-release-optim.md instead");
    rmSync(join(repo, ".changeset/optim-change.md"));
    appendFileSync(join(repo, ".changeset/initial-release-optim.md"), "\nA change a user could notice.\n");
    commitAll("optim: described in its initial release");
    expect(run(bin("changeset"), ["status", "--since=main"], repo).code).toBe(0);
    expect(check("--since=main").code).toBe(0);
  });

  it("writes first CHANGELOGs that say only \"Initial release\", with a link to the commit", () => {
    output(bin("changeset"), ["version"], repo);
    const commit = git("log", "--diff-filter=A", "--format=%H", "--", ".changeset/initial-release-optim.md").trim();
    const changelog = readFileSync(join(repo, "packages/optim/CHANGELOG.md"), "utf8");
    expect(changelog).toContain(`[${commit.slice(0, 7)}](https://github.com/micrograd-ts/micrograd-ts/commit/${commit}): Initial release.`);
    expect(changelog).toContain("A change a user could notice.");
    for (const dir of ["packages/engine", "packages/expr", "packages/losses", "packages/nn", "packages/onnx", "packages/optim", "packages/training", "packages/viz", "apps/cli"]) {
      const log = readFileSync(join(repo, dir, "CHANGELOG.md"), "utf8");
      expect(log.match(/^## /gm), dir).toEqual(["## "]);
      expect(log, dir).toMatch(/^## 0\.1\.0\n\n### Minor Changes\n\n- \[\w{7}\]\([^)]+\): Initial release\.$/m);
      expect(log, dir).not.toMatch(/Patch Changes|Updated dependencies/);
    }
    commitAll("Version packages");
  });

  it("fails a breaking engine release until every package that depends on it breaks too", () => {
    writeFileSync(join(repo, ".changeset/engine-break.md"), '---\n"@micrograd/engine": minor\n---\n\nA breaking change below 1.0.\n');
    const problems = check();
    expect(problems.code).toBe(1);
    const named = [...problems.stderr.matchAll(/release-check: (@micrograd\/\w+) depends on/g)].map((m) => m[1]).sort();
    expect(named).toEqual(["@micrograd/cli", "@micrograd/expr", "@micrograd/losses", "@micrograd/nn", "@micrograd/onnx", "@micrograd/optim", "@micrograd/training", "@micrograd/viz"]);
    expect(problems.stderr).toContain('@micrograd/nn depends on @micrograd/engine, whose release is breaking, but gets only an automatic patch of 0.1.0: add "@micrograd/nn": minor');
    const all = named.map((name) => `"${name}": minor`).join("\n");
    writeFileSync(join(repo, ".changeset/engine-break.md"), `---\n"@micrograd/engine": minor\n${all}\n---\n\nA breaking change below 1.0.\n`);
    expect(check().code).toBe(0);
    rmSync(join(repo, ".changeset/engine-break.md"));
  });

  it("fails a change to the shared build configuration without a changeset", () => {
    const base = git("rev-parse", "HEAD").trim();
    appendFileSync(join(repo, "tsconfig.base.json"), "\n");
    commitAll("tsconfig: a change to every package's output");
    const missing = check(`--since=${base}`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`tsconfig.base.json changed since ${base}: this shapes every package's output, so it needs a changeset`);
    writeFileSync(join(repo, ".changeset/build.md"), '---\n"@micrograd/engine": patch\n---\n\nBuilt with a new setting.\n');
    commitAll("changeset");
    expect(check(`--since=${base}`).code).toBe(0);
  });
});
