// Runs turbo with the Node.js major version in the environment, where turbo.json's `globalEnv`
// puts it into every task's cache key: a run on Node 22 after one on Node 20 runs the tasks
// again instead of answering from the other version's cache.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

const major = process.versions.node.split(".")[0];
// The repository's own turbo, so that the script also works outside `pnpm run`.
const local = fileURLToPath(new URL("../node_modules/.bin/turbo", import.meta.url));
const result = spawnSync(existsSync(local) ? local : "turbo", process.argv.slice(2), {
  stdio: "inherit",
  shell: process.platform === "win32",
  env: { ...process.env, MICROGRAD_NODE_MAJOR: major },
});
if (result.error) {
  console.error(`scripts/turbo.mjs: cannot run turbo (${result.error.message}); run \`pnpm install\` first`);
  process.exit(1);
}
process.exit(result.status ?? 1);
