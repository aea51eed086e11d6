// prepack: a package is packed or published only from a build of its current sources and version.
// It always builds — a build that is merely newer than the sources can still hold an old version
// (after `changeset version`, a packed @micrograd/onnx wrote the previous one into its files).
// The build's output goes to stderr, so that `npm pack --json` and `pnpm publish --json` keep
// a clean stdout.
import { execSync } from "node:child_process";

execSync("tsup", { stdio: ["ignore", process.stderr, process.stderr] });
