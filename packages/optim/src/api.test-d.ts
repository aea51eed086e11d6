import { describe, expectTypeOf, it } from "vitest";
import type { Value } from "@micrograd/engine";
import { Adam, AdamW, Optimizer, SGD, cosineDecay } from "@micrograd/optim";
import type { AdamOptions, SGDOptions, Schedule } from "@micrograd/optim";

describe("@micrograd/optim's public types", () => {
  it("optimizers take parameters and options and share the Optimizer interface", () => {
    expectTypeOf(SGD).constructorParameters.toEqualTypeOf<[params: readonly Value[], options: SGDOptions]>();
    expectTypeOf(Adam).constructorParameters.toEqualTypeOf<[params: readonly Value[], options?: AdamOptions]>();
    expectTypeOf(new AdamW([])).toMatchTypeOf<Optimizer>();
    expectTypeOf<Optimizer["step"]>().returns.toEqualTypeOf<void>();
    expectTypeOf<Optimizer["lr"]>().toEqualTypeOf<number>();
  });

  it("schedules map a step to a learning rate", () => {
    expectTypeOf(cosineDecay).returns.toEqualTypeOf<Schedule>();
    expectTypeOf<Schedule>().toEqualTypeOf<(step: number) => number>();
  });
});
