import { ShapeError } from "@micrograd/engine";
import { ExpressionError } from "@micrograd/expr";
import { ModelFormatError } from "@micrograd/nn";
import { helpText, parseFlags } from "./args.js";
import type { Command } from "./args.js";
import { cv } from "./commands/cv.js";
import { datasets } from "./commands/datasets.js";
import { evalCommand } from "./commands/eval.js";
import { exportCommand } from "./commands/export.js";
import { graph } from "./commands/graph.js";
import { predict } from "./commands/predict.js";
import { train } from "./commands/train.js";
import { InputError, UsageError } from "./errors.js";
import { didYouMean } from "./suggest.js";
import { cliVersion } from "./version.js";

const COMMANDS: Record<string, Command> = { train, cv, predict, eval: evalCommand, export: exportCommand, graph, datasets };

const OVERVIEW = `micrograd — train, predict, evaluate and draw small neural networks

Usage: micrograd <command> [options]

Commands:
${Object.values(COMMANDS).map((c) => `  ${c.name.padEnd(10)}${c.summary}`).join("\n")}

Run micrograd <command> --help for its options and examples.
Options: --help, --version
`;

/** Errors that mean the user gave bad usage or bad input: exit code 2. */
function isUserError(e: unknown): boolean {
  return e instanceof UsageError || e instanceof InputError || e instanceof ExpressionError || e instanceof ModelFormatError || e instanceof ShapeError;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(OVERVIEW);
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(OVERVIEW);
    return 0;
  }
  if (name === "--version" || name === "-v") {
    console.log(cliVersion());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}${didYouMean(name, Object.keys(COMMANDS))}; commands are ${Object.keys(COMMANDS).join(", ")}`);
  const flags = parseFlags(command, rest);
  if (flags.help) {
    process.stdout.write(helpText(command));
    return 0;
  }
  await command.run(flags);
  return 0;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const error = e instanceof Error ? e : new Error(String(e));
    const hint = error instanceof UsageError && argv[0] && COMMANDS[argv[0]] ? ` (see micrograd ${argv[0]} --help)` : "";
    process.stderr.write(`micrograd: ${error.message}${hint}\n`);
    if (argv.includes("--debug")) process.stderr.write(`${error.stack ?? ""}\n`);
    process.exitCode = isUserError(e) ? 2 : 1;
  },
);
