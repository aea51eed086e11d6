import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built command, run as users run it: `node dist/cli.js`. */
export const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

/** A scratch folder, and a function that runs `micrograd …` in it and returns its exit code and output. */
export function cliIn(prefix: string): { dir: string; micrograd: (...args: string[]) => { code: number | null; stdout: string; stderr: string } } {
  const dir = mkdtempSync(join(tmpdir(), `micrograd-${prefix}-`));
  return {
    dir,
    micrograd(...args) {
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
  };
}
