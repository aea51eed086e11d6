// prepack: a package is never packed or published without its build. Builds when `dist` is
// missing or older than the sources, so `npm pack`/`changeset publish` on a fresh clone still ship code.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The newest modification time of any file under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) time = Math.max(time, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return time;
}

if (!existsSync("dist") || newest("src") > newest("dist")) {
  console.error(`prepack: building ${process.cwd()} (dist is missing or stale)`);
  execSync("tsup", { stdio: "inherit" });
}
