import type { MLP } from "@micrograd/nn";
import { prediction } from "@micrograd/training";
import type { ModelFile } from "./model-file.js";

/** One prediction in the user's terms: a class name (with its probability when the loss gives one) or a number. */
export interface Prediction {
  prediction: string;
  probability: number | null;
}

/** What the model's outputs for one sample mean in the user's terms (class names, original units). */
export function describeOutputs(file: ModelFile, outputs: readonly number[]): Prediction {
  const target = file.target;
  if (target.kind === "number") return { prediction: String((outputs[0] as number) * target.std + target.mean), probability: null };
  const { class: k, probability } = prediction(file.loss, outputs);
  return { prediction: target.classes[k ?? 0] as string, probability };
}

/** What the model says for one encoded input, in the user's terms. */
export function predictRow(file: ModelFile, model: MLP, x: number[]): Prediction {
  return describeOutputs(file, model.forward(x).map((v) => v.data));
}
