import { describe, expectTypeOf, it } from "vitest";
import type { Value } from "@micrograd/engine";
import { binaryCrossEntropy, crossEntropy, hinge, l2, mse } from "@micrograd/losses";
import type { Values } from "@micrograd/losses";

describe("@micrograd/losses' public types", () => {
  it("losses take Values or numbers and return one Value", () => {
    expectTypeOf<Values>().toEqualTypeOf<Value | number | readonly (Value | number)[]>();
    expectTypeOf(mse([1], [2])).toEqualTypeOf<Value>();
    expectTypeOf(binaryCrossEntropy).returns.toEqualTypeOf<Value>();
    expectTypeOf(hinge).returns.toEqualTypeOf<Value>();
    expectTypeOf(l2).returns.toEqualTypeOf<Value>();
    expectTypeOf(crossEntropy).returns.toEqualTypeOf<Value>();
    // @ts-expect-error: targets are numbers or Values
    mse([1], ["1"]);
  });
});
