import { describe, expectTypeOf, it } from "vitest";
import { CompiledGraph, Random, Value, Vector, compile, dot, grad, gradCheck, isValue, sum, topologicalOrder } from "@micrograd/engine";
import type { BackwardStep, GradCheckResult } from "@micrograd/engine";
import { backwardSteps } from "@micrograd/engine";

describe("@micrograd/engine's public types", () => {
  it("ops take Values or numbers and return Values", () => {
    const x = new Value(1, { label: "x" });
    expectTypeOf<Value["add"]>().parameter(0).toEqualTypeOf<Value | number>();
    expectTypeOf(x.mul(2).tanh()).toEqualTypeOf<Value>();
    expectTypeOf<Value["pow"]>().parameter(0).toEqualTypeOf<number | Value>();
    expectTypeOf(x.gelu({ approximate: "tanh" }).clamp(-1, 1).max(x).rsub(2)).toEqualTypeOf<Value>();
    // @ts-expect-error: gelu's approximation is "none" or "tanh"
    x.gelu({ approximate: "erf" });
    expectTypeOf(x.data).toEqualTypeOf<number>();
    expectTypeOf(x.children).toEqualTypeOf<Value[]>();
    // @ts-expect-error: operands are Values or numbers, not strings
    x.add("1");
    // @ts-expect-error: a label is a string
    new Value(1, { label: 2 });
  });

  it("isValue and instanceof narrow unknown values to Value", () => {
    const thing: unknown = new Value(1);
    if (isValue(thing)) expectTypeOf(thing).toEqualTypeOf<Value>();
    if (thing instanceof Value) expectTypeOf(thing).toEqualTypeOf<Value>();
  });

  it("n-ary ops, Vector and traversal", () => {
    expectTypeOf(sum).parameter(0).toEqualTypeOf<readonly (Value | number)[] | Vector>();
    expectTypeOf(dot([1], [new Value(2)])).toEqualTypeOf<Value>();
    expectTypeOf(topologicalOrder).returns.toEqualTypeOf<Value[]>();
    expectTypeOf(backwardSteps).returns.toEqualTypeOf<Generator<BackwardStep, void, undefined>>();
    expectTypeOf(gradCheck).returns.toEqualTypeOf<GradCheckResult>();
    expectTypeOf(new Random(1).uniform(0, 1)).toEqualTypeOf<number>();
  });

  it("grad gives one Value for one input, an array for a list", () => {
    const x = new Value(1);
    expectTypeOf(grad(x.mul(x), x, { createGraph: true })).toEqualTypeOf<Value>();
    expectTypeOf(grad([x.exp()], [x, x], { seeds: [2], allowUnused: true })).toEqualTypeOf<Value[]>();
    // @ts-expect-error: seeds are Values or numbers
    grad(x, x, { seeds: ["1"] });
  });

  it("compile takes a builder of one or several Values and returns a CompiledGraph", () => {
    expectTypeOf(compile).parameter(0).toEqualTypeOf<(inputs: Value[]) => Value | readonly Value[]>();
    expectTypeOf(compile(([x]) => x!.mul(2), [1])).toEqualTypeOf<CompiledGraph>();
    expectTypeOf<CompiledGraph["run"]>().parameters.toEqualTypeOf<[inputs?: ArrayLike<number>]>();
    expectTypeOf<CompiledGraph["output"]>().returns.toEqualTypeOf<number>();
  });
});
