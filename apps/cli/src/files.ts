import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { InputError, UsageError } from "./errors.js";

/** Refuses to go on if `path` exists and `force` is not set — checked before any long work. */
export function checkWritable(path: string, force: boolean): void {
  if (!force && existsSync(path)) {
    throw new UsageError(`${path} already exists; pass --force to overwrite it`);
  }
}

/**
 * Writes `text` (or bytes) to `path` atomically: to a temporary file next to it, then a rename,
 * so a reader never sees half a file and a failure leaves nothing behind.
 */
export function writeAtomically(path: string, text: string | Uint8Array, force: boolean): void {
  checkWritable(path, force);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw new InputError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** The text of a file, or an InputError saying why it cannot be read. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new InputError(`cannot read ${what} ${path}: ${why}`);
  }
}
