import { describe, expectTypeOf, it } from "vitest";
import type { Value } from "@micrograd/engine";
import { Layer, MLP, Neuron } from "@micrograd/nn";
import type { Activation, MLPJSON, MLPOptions } from "@micrograd/nn";

describe("@micrograd/nn's public types", () => {
  it("modules map Values or numbers to Values and list their parameters", () => {
    const model = new MLP(2, [3, 1], { activation: "tanh", seed: 1 });
    expectTypeOf<MLP["forward"]>().parameter(0).toEqualTypeOf<readonly (Value | number)[]>();
    expectTypeOf(model.forward([1, 2])).toEqualTypeOf<Value[]>();
    expectTypeOf(model.parameters()).toEqualTypeOf<Value[]>();
    expectTypeOf(new Neuron(2).forward([1, 2])).toEqualTypeOf<Value>();
    expectTypeOf(new Layer(2, 3).forward([1, 2])).toEqualTypeOf<Value[]>();
  });

  it("options name their activations, and models round-trip through JSON", () => {
    expectTypeOf<MLPOptions["activation"]>().toEqualTypeOf<Activation | undefined>();
    expectTypeOf<Activation>().toEqualTypeOf<"relu" | "tanh" | "sigmoid" | "linear" | "leakyRelu" | "gelu" | "silu">();
    expectTypeOf(new MLP(1, [1]).toJSON()).toEqualTypeOf<MLPJSON>();
    expectTypeOf<typeof MLP.fromJSON>().returns.toEqualTypeOf<MLP>();
    // @ts-expect-error: an unknown activation is rejected at compile time
    new MLP(2, [1], { activation: "swish" });
  });
});
