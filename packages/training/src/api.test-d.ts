import { describe, expectTypeOf, it } from "vitest";
import { MLP } from "@micrograd/nn";
import { Trainer, moons, prediction, train, toyDatasets } from "@micrograd/training";
import type { Dataset, LossName, Prediction, StepInfo, TrainOptions, TrainResult } from "@micrograd/training";

describe("@micrograd/training's public types", () => {
  it("train takes a model, data, a loss name and an optimizer, and says what it did", () => {
    expectTypeOf(train).parameter(0).toEqualTypeOf<TrainOptions>();
    expectTypeOf(train).returns.toEqualTypeOf<TrainResult>();
    expectTypeOf<TrainOptions["model"]>().toEqualTypeOf<MLP>();
    expectTypeOf<TrainResult["mode"]>().toEqualTypeOf<"compiled" | "graph">();
    expectTypeOf<LossName>().toEqualTypeOf<"hinge" | "mse" | "sse" | "bce" | "bceWithLogits" | "crossEntropy">();
    expectTypeOf<Trainer["step"]>().returns.toEqualTypeOf<StepInfo>();
  });

  it("datasets and predictions", () => {
    expectTypeOf(moons()).toEqualTypeOf<Dataset>();
    expectTypeOf(toyDatasets.spiral).returns.toEqualTypeOf<Dataset>();
    expectTypeOf(prediction("crossEntropy", [1, 2])).toEqualTypeOf<Prediction>();
  });
});
