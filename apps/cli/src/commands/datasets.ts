import type { Command } from "../args.js";
import { BUILT_IN } from "../data.js";
import { table } from "../report.js";

export const datasets: Command = {
  name: "datasets",
  summary: "list the built-in datasets",
  flags: { json: { type: "boolean", description: "print them as JSON" } },
  examples: ["micrograd datasets", "micrograd train --dataset spiral --layers 32,32 --loss crossEntropy"],
  run(flags) {
    if (flags.json) console.log(JSON.stringify(BUILT_IN, null, 2));
    else console.log(table(Object.entries(BUILT_IN)));
  },
};
