import { prediction } from "@micrograd/training";
import type { ModelFile } from "./model-file.js";

/** What the model's outputs for one sample mean in the user's terms: a class name, or a value in the target's units. */
export function describeOutputs(file: ModelFile, outputs: readonly number[]): string {
  const target = file.target;
  if (target.kind === "number") return String((outputs[0] as number) * target.std + target.mean);
  return target.classes[prediction(file.loss, outputs).class ?? 0] as string;
}
