import { describe, expectTypeOf, it } from "vitest";
import type { Value } from "@micrograd/engine";
import { evaluateExpression, expressionVariables, parseExpression } from "@micrograd/expr";
import type { Evaluated, Expr } from "@micrograd/expr";

describe("@micrograd/expr's public types", () => {
  it("parses text to a tree and evaluates it into Values", () => {
    expectTypeOf(parseExpression).returns.toEqualTypeOf<Expr>();
    expectTypeOf(evaluateExpression).parameters.toEqualTypeOf<[text: string, values: Readonly<Record<string, number>>]>();
    expectTypeOf(evaluateExpression("x", { x: 1 })).toEqualTypeOf<Evaluated>();
    expectTypeOf<Evaluated["output"]>().toEqualTypeOf<Value>();
    expectTypeOf(expressionVariables).returns.toEqualTypeOf<string[]>();
  });
});
