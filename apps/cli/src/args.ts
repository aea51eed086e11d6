import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import { didYouMean } from "./suggest.js";

/** One flag of a command, for parsing and for `--help`. */
export interface Flag {
  type: "string" | "boolean";
  description: string;
  /** Shown in help, e.g. `FILE`. */
  value?: string;
}

/** A command: its flags, its help text and what it does. */
export interface Command {
  name: string;
  summary: string;
  flags: Record<string, Flag>;
  examples: string[];
  run(flags: Flags): Promise<void> | void;
}

export type Flags = Record<string, string | boolean | undefined>;

/** Flags every command takes. */
export const COMMON_FLAGS: Record<string, Flag> = {
  help: { type: "boolean", description: "show this help" },
  quiet: { type: "boolean", description: "print only results, no progress" },
  debug: { type: "boolean", description: "print stack traces on errors" },
};

/** `--model FILE`, shared by the commands that read a saved model. */
export const MODEL_FLAG: Flag = { type: "string", value: "FILE", description: "a model saved by micrograd train" };

/** `--drop-missing`, shared by the commands that read CSV rows. */
export const DROP_MISSING_FLAG: Flag = { type: "boolean", description: "skip rows with missing values (NA or empty) instead of failing" };

/** `--out FILE` and `--force`, shared by the commands that write a file. */
export function outputFlags(what: string): Record<"out" | "force", Flag> {
  return {
    out: { type: "string", value: "FILE", description: what },
    force: { type: "boolean", description: "overwrite --out if it exists" },
  };
}

/** Parses `argv` against a command's flags; unknown flags suggest the nearest valid one. */
export function parseFlags(command: Command, argv: string[]): Flags {
  const flags = { ...command.flags, ...COMMON_FLAGS };
  const options = Object.fromEntries(Object.entries(flags).map(([name, f]) => [name, { type: f.type }]));
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const error = e as Error & { code?: string };
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(error.message)?.[1];
    if (unknown !== undefined) {
      const names = Object.keys(flags).map((n) => `--${n}`);
      throw new UsageError(`unknown option ${unknown} for micrograd ${command.name}${didYouMean(unknown, names)}`);
    }
    if (error.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      const word = /'([^']*)'/.exec(error.message)?.[1] ?? "";
      throw new UsageError(`micrograd ${command.name} takes no argument ${JSON.stringify(word)}; options start with --`);
    }
    // Node's message spans lines ("argument is ambiguous… To specify… --lr=-XYZ"): keep one.
    const first = error.message.split("\n")[0] ?? error.message;
    const dash = error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" ? "; for a value starting with -, write --name=VALUE" : "";
    throw new UsageError(`${first}${dash}`);
  }
}

/** The `--help` text of a command. */
export function helpText(command: Command): string {
  const all = { ...command.flags, ...COMMON_FLAGS };
  const width = Math.max(...Object.entries(all).map(([n, f]) => n.length + (f.value ? f.value.length + 1 : 0))) + 4;
  const lines = Object.entries(all).map(([name, f]) => `  ${`--${name}${f.value ? ` ${f.value}` : ""}`.padEnd(width)}${f.description}`);
  return [
    `micrograd ${command.name} — ${command.summary}`,
    "",
    "Options:",
    ...lines,
    "",
    "Examples:",
    ...command.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}

/** A string flag's value, or a UsageError when a required one is missing. */
export function requireString(flags: Flags, name: string, hint: string): string {
  const v = flags[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required: ${hint}`);
  return v;
}

/** A number flag in [min, max], its default when absent. */
export function numberFlag(flags: Flags, name: string, fallback: number, min = -Infinity, max = Infinity, integer = false): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? "an integer" : "a number";
    const range = max === Infinity ? (min === -Infinity ? "" : ` ≥ ${min}`) : ` from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${kind}${range}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** A flag whose value must be one of `choices`, with a suggestion for near misses. */
export function choiceFlag<T extends string>(flags: Flags, name: string, choices: readonly T[], fallback: T): T;
export function choiceFlag<T extends string>(flags: Flags, name: string, choices: readonly T[]): T | undefined;
export function choiceFlag<T extends string>(flags: Flags, name: string, choices: readonly T[], fallback?: T): T | undefined {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  if (typeof raw === "string" && (choices as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`--${name} must be one of ${choices.join(", ")}; got ${JSON.stringify(raw)}${didYouMean(String(raw), choices)}`);
}

/** Comma-separated positive integers, e.g. `--layers 16,16`. */
export function sizesFlag(flags: Flags, name: string, fallback: number[]): number[] {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const parts = String(raw).split(",").map((s) => s.trim());
  const sizes = parts.map(Number);
  if (String(raw).trim() === "" || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UsageError(`--${name} must be comma-separated positive integers like 16,16; got ${JSON.stringify(raw)}`);
  }
  return sizes;
}
