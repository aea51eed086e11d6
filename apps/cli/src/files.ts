import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError, UsageError } from "./errors.js";

/** `-` as a file name: standard input for `--data`, standard output for `--out`. */
export const STDIO = "-";

/** Where a command writes its result: a file, written atomically, or standard output. */
export interface Output {
  /** The file's path, or `-` for standard output. */
  path: string;
  /** Whether the result goes to standard output. */
  toStdout: boolean;
  /** Writes the whole result at once. */
  write(data: string | Uint8Array): void;
  /** Starts writing a result piece by piece: a file appears (atomically) only on `commit`. */
  open(): Sink;
}

/** A result written piece by piece. */
export interface Sink {
  write(text: string): void;
  /** Makes the result visible: renames the temporary file into place. */
  commit(): void;
  /** Throws the partial result away: nothing is left behind. */
  abort(): void;
}

/** The real path of a file, or — when it does not exist yet — of its folder joined with its name. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/**
 * Checks, before any long work, that `path` can take a command's result: it is not one of the
 * command's `inputs` (compared by real path, so a symlink or `./x` counts; `--force` does not
 * change this), its folder exists and is writable, and it does not exist unless `force`. `-`
 * is standard output.
 */
export function prepareOutput(path: string, force: boolean, inputs: readonly (string | undefined)[]): Output {
  if (path === STDIO) {
    const write = (data: string | Uint8Array) => void process.stdout.write(data);
    return { path, toStdout: true, write, open: () => ({ write, commit: () => undefined, abort: () => undefined }) };
  }
  if (path === "") throw new UsageError("--out is empty: give a file name, or - for standard output");
  const target = realPath(path);
  const input = inputs.find((i) => i !== undefined && i !== STDIO && realPath(i) === target);
  if (input !== undefined) throw new UsageError(`--out ${path} is the input file ${input}; writing there would destroy it: choose another --out`);
  const folder = dirname(resolve(path));
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // A missing folder is reported below.
  }
  if (!isFolder) throw new InputError(`cannot write ${path}: the folder ${dirname(path)} does not exist; create it first`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new InputError(`cannot write ${path}: the folder ${dirname(path)} is not writable`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`cannot write ${path}: it is a folder; give a file name`);
  checkWritable(path, force);
  return { path, toStdout: false, write: (data) => writeAtomically(path, data, force), open: () => atomicSink(path, force) };
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

function cannotWrite(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === "ENOSPC" ? "the disk is full" : code === "EACCES" || code === "EPERM" ? "permission denied" : code ?? "unknown error";
  return new InputError(`cannot write ${path}: ${why}`);
}

/** A sink into a temporary file next to `path`, renamed into place on commit. */
function atomicSink(path: string, force: boolean): Sink {
  const temporary = temporaryName(path);
  let fd: number | null = null;
  const abort = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
    rmSync(temporary, { force: true });
  };
  const guard = (work: () => void) => {
    try {
      work();
    } catch (e) {
      abort();
      throw cannotWrite(path, e);
    }
  };
  guard(() => (fd = openSync(temporary, "w")));
  return {
    write: (text) => guard(() => void writeSync(fd as number, text)),
    commit() {
      checkWritable(path, force);
      guard(() => {
        closeSync(fd as number);
        fd = null;
        renameSync(temporary, path);
      });
    },
    abort,
  };
}

/** Refuses to go on if `path` exists and `force` is not set. */
function checkWritable(path: string, force: boolean): void {
  if (!force && existsSync(path)) {
    throw new UsageError(`${path} already exists; pass --force to overwrite it`);
  }
}

/**
 * Writes `text` (or bytes) to `path` atomically: to a temporary file next to it, then a rename,
 * so a reader never sees half a file and a failure leaves nothing behind. Errors name `path`,
 * never the temporary file.
 */
function writeAtomically(path: string, text: string | Uint8Array, force: boolean): void {
  checkWritable(path, force);
  const temporary = temporaryName(path);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw cannotWrite(path, e);
  }
}

/** The text of a file, or an InputError saying why it cannot be read. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${what} ${path}: ${whyUnreadable(e)}`);
  }
}

/** Why a file could not be opened or read, in words. */
export function whyUnreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (e as Error).message;
}
