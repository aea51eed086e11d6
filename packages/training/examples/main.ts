import { pathToFileURL } from "node:url";

/** Runs `example` and prints its result when the file is executed directly (`pnpm example <file>`). */
export function runIfMain(moduleUrl: string, example: () => unknown): void {
  const entry = process.argv[1];
  if (entry !== undefined && pathToFileURL(entry).href === moduleUrl) console.log(example());
}
