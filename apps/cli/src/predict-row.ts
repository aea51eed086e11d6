import type { MLP } from "@micrograd/nn";
import type { ModelFile } from "./model-file.js";

/** One prediction: a class name (with its probability when the loss gives one) or a number. */
export interface Prediction {
  prediction: string;
  probability: number | null;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** What the model says for one encoded input, in the user's terms (class names, original units). */
export function predictRow(file: ModelFile, model: MLP, x: number[]): Prediction {
  const out = model.forward(x).map((v) => v.data);
  const target = file.target;
  if (target.kind === "number") return { prediction: String((out[0] as number) * target.std + target.mean), probability: null };
  const name = (k: number) => target.classes[k] as string;
  const first = out[0] as number;
  switch (file.loss) {
    case "crossEntropy": {
      const max = Math.max(...out);
      const exps = out.map((z) => Math.exp(z - max));
      const k = out.indexOf(max);
      return { prediction: name(k), probability: (exps[k] as number) / exps.reduce((s, e) => s + e, 0) };
    }
    case "bce":
      return { prediction: name(first > 0.5 ? 1 : 0), probability: first > 0.5 ? first : 1 - first };
    case "bceWithLogits":
      return { prediction: name(first > 0 ? 1 : 0), probability: first > 0 ? sigmoid(first) : 1 - sigmoid(first) };
    default:
      return { prediction: name(first > 0 ? 1 : 0), probability: null };
  }
}
