import { predictedClass, probabilities } from "@micrograd/training";
import type { LossName } from "@micrograd/training";
import type { Flags } from "./args.js";
import { optionalNumberFlag } from "./args.js";
import { UsageError } from "./errors.js";
import type { ModelFile } from "./model-file.js";
import { THRESHOLD_LOSSES } from "./model-file.js";

/**
 * The class index a model's outputs stand for: the loss's own rule (argmax, or the side of 0 or
 * 0.5), or — with a `threshold`, for two classes — class 1 when its probability is above it.
 */
export function classOf(loss: LossName, threshold: number | null, outputs: readonly number[]): number {
  if (threshold === null) return predictedClass(loss, outputs) ?? 0;
  return ((probabilities(loss, outputs) as number[])[1] as number) > threshold ? 1 : 0;
}

/** What the model's outputs for one sample mean in the user's terms: a class name, or a value in the target's units. */
export function describeOutputs(file: ModelFile, threshold: number | null, outputs: readonly number[]): string {
  const target = file.target;
  if (target.kind === "number") return String((outputs[0] as number) * target.std + target.mean);
  return target.classes[classOf(file.loss, threshold, outputs)] as string;
}

/** `--threshold`'s value for a model trained with `loss`; `fallback` (a model's own) when absent. */
export function thresholdFlag(flags: Flags, loss: LossName, fallback: number | null = null): number | null {
  const threshold = optionalNumberFlag(flags, "threshold", { above: 0, below: 1 });
  if (threshold === undefined) return fallback;
  if (!THRESHOLD_LOSSES.includes(loss)) {
    throw new UsageError(`--threshold needs two classes with probabilities (--loss ${THRESHOLD_LOSSES.join(" or ")}); this model's loss is ${loss}`);
  }
  return threshold;
}
