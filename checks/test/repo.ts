import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The folders of the packages we publish. */
export const PUBLISHED = ["packages/engine", "packages/expr", "packages/losses", "packages/nn", "packages/onnx", "packages/optim", "packages/training", "packages/viz", "apps/cli"];

/** A command's exit code and output; never throws on a failing exit code. */
export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...env } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A command's standard output (with `env` on top of this process's); throws with its standard error if it fails. */
export function output(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): string {
  const r = run(command, args, cwd, env);
  if (r.code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A new empty folder outside the workspace, so that nothing resolves to the repo's node_modules. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `micrograd-${prefix}-`));
}

/**
 * A scratch git repository holding the working tree's tracked and untracked (not ignored) files
 * as one commit on `main` — the uncommitted state included, unlike a clone.
 */
export function scratchRepo(): string {
  const dir = scratch("repo");
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((f) => f !== "");
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      copyFileSync(join(ROOT, file), join(dir, file));
    } catch {
      // A tracked file deleted in the working tree is simply absent from the copy.
    }
  }
  const git = (...args: string[]) => output("git", ["-c", "user.name=checks", "-c", "user.email=checks@example.com", ...args], dir);
  git("init", "--quiet", "--initial-branch=main");
  git("add", "--all");
  git("commit", "--quiet", "--message", "baseline");
  return dir;
}

/** Reads a JSON file. */
export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}
