import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import { didYouMean } from "./suggest.js";

/** One flag of a command, for parsing and for `--help`. */
export interface Flag {
  type: "string" | "boolean";
  description: string;
  /** Shown in help, e.g. `FILE`. */
  value?: string;
  /** A one-letter alias, e.g. `o` for `-o`. */
  short?: string;
}

/** A command: its flags, its help text and what it does. */
export interface Command {
  name: string;
  summary: string;
  flags: Record<string, Flag>;
  examples: string[];
  /** Paragraphs shown in `--help` between the options and the examples. */
  notes?: string;
  run(flags: Flags): Promise<void> | void;
}

/** The exit codes, as every command's help states them. */
export const EXIT_CODES = "Exit codes: 0 success; 1 failure while running (e.g. training diverged; nothing is written); 2 bad usage or bad input.";

export type Flags = Record<string, string | boolean | undefined>;

/** Flags every command takes. */
export const COMMON_FLAGS: Record<string, Flag> = {
  help: { type: "boolean", short: "h", description: "show this help" },
  quiet: { type: "boolean", short: "q", description: "print only results, no progress" },
  debug: { type: "boolean", description: "print stack traces on errors" },
};

/** `--threshold P`, shared by the commands that decide classes. */
export const THRESHOLD_FLAG: Flag = {
  type: "string", value: "P",
  description: "two classes (bce, bceWithLogits): predict the second class when its probability is above P, from 0 to 1 exclusive (default 0.5; train saves it in the model)",
};

/** `--model FILE`, shared by the commands that read a saved model. */
export const MODEL_FLAG: Flag = { type: "string", short: "m", value: "FILE", description: "a model saved by micrograd train" };

/** `--out FILE` and `--force`, shared by the commands that write a file. */
export function outputFlags(what: string): Record<"out" | "force", Flag> {
  return {
    out: { type: "string", short: "o", value: "FILE", description: `${what}; - for standard output` },
    force: { type: "boolean", short: "f", description: "overwrite --out if it exists (never an input file)" },
  };
}

/** Parses `argv` against a command's flags; unknown flags suggest the nearest valid one. */
export function parseFlags(command: Command, argv: string[]): Flags {
  const flags = { ...command.flags, ...COMMON_FLAGS };
  const options = Object.fromEntries(Object.entries(flags).map(([name, f]) => [name, f.short ? { type: f.type, short: f.short } : { type: f.type }]));
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const error = e as Error & { code?: string };
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(error.message)?.[1];
    if (unknown !== undefined) {
      const names = Object.entries(flags).flatMap(([n, f]) => (f.short ? [`--${n}`, `-${f.short}`] : [`--${n}`]));
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
  const names = Object.entries(all).map(([name, f]) => `${f.short ? `-${f.short}, ` : "    "}--${name}${f.value ? ` ${f.value}` : ""}`);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = Object.values(all).map((f, i) => `  ${(names[i] as string).padEnd(width)}${f.description}`);
  return [
    `micrograd ${command.name} — ${command.summary}`,
    "",
    "Options:",
    ...lines,
    "",
    ...(command.notes ? [command.notes, ""] : []),
    "Examples:",
    ...command.examples.map((e) => `  ${e}`),
    "",
    EXIT_CODES,
    "",
  ].join("\n");
}

/** A string flag's value, or a UsageError when a required one is missing. */
export function requireString(flags: Flags, name: string, hint: string): string {
  const v = flags[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required: ${hint}`);
  return v;
}

/** The values a number flag accepts: `min` and `max` inclusive, `above` and `below` exclusive. */
export interface NumberRange {
  min?: number;
  max?: number;
  /** The value must be greater than this (e.g. 0 for a learning rate). */
  above?: number;
  /** The value must be less than this (e.g. 1 for a probability). */
  below?: number;
  integer?: boolean;
}

/** A number flag within `range`, its default when absent; anything else is a UsageError that states the range. */
export function numberFlag(flags: Flags, name: string, fallback: number, range: NumberRange = {}): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  return parseNumberFlag(name, raw, range);
}

/** A number flag that has no default: `undefined` when absent. */
export function optionalNumberFlag(flags: Flags, name: string, range: NumberRange = {}): number | undefined {
  const raw = flags[name];
  return raw === undefined ? undefined : parseNumberFlag(name, raw, range);
}

function parseNumberFlag(name: string, raw: string | boolean, { min = -Infinity, max = Infinity, above, below, integer = false }: NumberRange): number {
  const value = Number(raw);
  const outside = value < min || value > max || (above !== undefined && value <= above) || (below !== undefined && value >= below);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value) || outside || (integer && !Number.isInteger(value))) {
    const kind = integer ? "an integer" : "a number";
    const low = above !== undefined ? `> ${above}` : min === -Infinity ? "" : `≥ ${min}`;
    const high = below !== undefined ? `< ${below}` : max === Infinity ? "" : `≤ ${max}`;
    const range = above === undefined && below === undefined && low && high ? ` from ${min} to ${max}` : [low, high].filter(Boolean).map((b) => ` ${b}`).join(" and");
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
