// The release rules that `changeset status` does not know (CONTRIBUTING.md, "Versioning"):
//
// 1. A breaking release of a package is a breaking release of every published package that
//    depends on it (nn's types re-export engine's Value: a patch of nn that brings a breaking
//    engine breaks its users, and a `^0.1.0` pin of both would install two engines). Below 1.0 a
//    minor is breaking, as `^` reads it; changesets alone would give the dependents a patch.
// 2. A package never released (version 0.0.0) describes every change in its
//    `initial-release-<name>.md`, so that its first CHANGELOG says "Initial release" and lists
//    what ships, not changes relative to states nobody could install.
// 3. With `--since=<ref>`: a change to the shared build configuration, which shapes every
//    package's output but lies outside the package folders `changeset status` watches, comes
//    with a changeset (a new or edited file in .changeset/).
//
// Usage: node scripts/release-check.mjs [--since=<ref>]   (exit 1 and one line per problem)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Files outside the package folders that shape what every package publishes. */
const SHARED_BUILD_FILES = ["tsconfig.base.json", "tsup.config.base.ts", "scripts/prepack.mjs"];

const RANK = { none: 0, patch: 1, minor: 2, major: 3 };

/** The published workspace packages: name → { short (its folder's name), version, dependsOn (workspace packages it needs at run time) }. */
function packages(root) {
  const config = JSON.parse(readFileSync(join(root, ".changeset/config.json"), "utf8"));
  const ignored = new Set(config.ignore ?? []);
  const found = new Map();
  for (const parent of ["packages", "apps"]) {
    for (const dir of readdirSync(join(root, parent))) {
      const file = join(root, parent, dir, "package.json");
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, "utf8"));
      if (manifest.private || ignored.has(manifest.name)) continue;
      const needs = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
      found.set(manifest.name, { short: dir, version: manifest.version, needs });
    }
  }
  for (const pkg of found.values()) pkg.dependsOn = pkg.needs.filter((name) => found.has(name));
  return found;
}

/** The pending changesets: file name → { package name → bump }. */
function changesets(root) {
  const dir = join(root, ".changeset");
  const result = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md")) {
    const text = readFileSync(join(dir, file), "utf8");
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    const bumps = {};
    for (const line of front ? front[1].split(/\r?\n/) : []) {
      const m = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
      if (m) bumps[m[1]] = m[2];
    }
    result.set(file, bumps);
  }
  return result;
}

/** Whether a `bump` of `version` breaks `^version` ranges: a major, a minor below 1.0, anything below 0.1. */
function breaks(version, bump) {
  const [major, minor] = version.split(".").map(Number);
  if (bump === "major") return true;
  if (major === 0 && bump === "minor") return true;
  return major === 0 && minor === 0 && bump !== "none";
}

/** The problems with the pending release plan of the repository at `root`; `since` adds rule 3. */
function releaseProblems(root, since) {
  const pkgs = packages(root);
  const sets = changesets(root);
  const problems = [];
  const bump = new Map([...pkgs.keys()].map((name) => [name, "none"]));
  for (const [file, bumps] of sets) {
    for (const [name, kind] of Object.entries(bumps)) {
      const pkg = pkgs.get(name);
      if (!pkg) continue;
      if (RANK[kind] > RANK[bump.get(name)]) bump.set(name, kind);
      if (pkg.version === "0.0.0" && file !== `initial-release-${pkg.short}.md`) {
        problems.push(`.changeset/${file}: ${name} has never been released; describe this change in .changeset/initial-release-${pkg.short}.md instead, so that its first CHANGELOG says "Initial release" and lists what ships`);
      }
    }
  }
  // A break travels up the dependency graph: every package that depends on a breaking one, or on
  // one that must break, must break too.
  const breaking = new Set([...pkgs].filter(([name, pkg]) => breaks(pkg.version, bump.get(name))).map(([name]) => name));
  const because = new Map();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, pkg] of pkgs) {
      const cause = pkg.dependsOn.find((dep) => breaking.has(dep) || because.has(dep));
      if (cause === undefined || breaking.has(name) || because.has(name)) continue;
      because.set(name, cause);
      grew = true;
    }
  }
  for (const [name, cause] of because) {
    const pkg = pkgs.get(name);
    const needed = pkg.version.startsWith("0.") ? "minor" : "major";
    const gets = bump.get(name) === "none" ? "only an automatic patch" : `a ${bump.get(name)}`;
    problems.push(`${name} depends on ${cause}, whose release is breaking, but gets ${gets} of ${pkg.version}: add "${name}": ${needed} to a changeset, so that its users see the break in its version`);
  }
  if (since !== undefined) {
    const changed = execFileSync("git", ["diff", "--name-only", since, "--"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
    const shared = changed.filter((f) => SHARED_BUILD_FILES.includes(f));
    const described = changed.some((f) => f.startsWith(".changeset/") && f.endsWith(".md"));
    if (shared.length > 0 && !described) {
      problems.push(`${shared.join(", ")} changed since ${since}: this shapes every package's output, so it needs a changeset for the packages whose tarballs change (pnpm changeset)`);
    }
  }
  return problems;
}

const since = process.argv.find((a) => a.startsWith("--since="))?.slice("--since=".length);
const problems = releaseProblems(process.cwd(), since);
for (const p of problems) console.error(`release-check: ${p}`);
if (problems.length > 0) process.exit(1);
console.log("release-check: the pending release plan keeps the versioning rules");
