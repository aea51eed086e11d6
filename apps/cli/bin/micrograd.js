#!/usr/bin/env node
// The published command. It only loads the build, so that the file exists (and package managers
// link it) even in a fresh checkout before anything is built.
import { existsSync } from "node:fs";
import process from "node:process";
import { URL } from "node:url";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("micrograd: this checkout is not built yet; run `pnpm build` first\n");
  process.exit(1);
}
await import(cli.href);
