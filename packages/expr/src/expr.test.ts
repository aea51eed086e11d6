import { describe, expect, it } from "vitest";
import { ExpressionError, evaluateExpression, expressionText, expressionVariables, parseExpression } from "./index.js";

const SEED = { x1: 2, x2: 0, w1: -3, w2: 1, b: 6.8813735870195432 };

describe("evaluateExpression", () => {
  it("builds seed 002's neuron and back-propagates through it", () => {
    const { output, variables } = evaluateExpression("tanh(x1*w1 + x2*w2 + b)", SEED);
    expect(output.data).toBeCloseTo(0.7071067811865476, 15);
    output.backward();
    expect(variables.w1?.grad).toBeCloseTo(1, 14);
    expect(variables.x1?.grad).toBeCloseTo(-1.5, 14);
    expect(variables.b?.label).toBe("b");
  });

  it("reads method style as the engine writes it", () => {
    const { output } = evaluateExpression("(a*b + c).relu()", { a: 2, b: -3, c: 1 });
    expect(output.data).toBe(0);
    expect(output.op).toBe("ReLU");
    expect(evaluateExpression("x.pow(2).add(1).log()", { x: 1 }).output.data).toBeCloseTo(Math.log(2), 15);
  });

  it("follows the usual precedence: ** binds tighter than unary minus, * than +", () => {
    const at = (text: string) => evaluateExpression(text, { a: 3 }).output.data;
    expect(at("-a ** 2")).toBe(-9);
    expect(at("(-a) ^ 2")).toBe(9);
    expect(at("1 + 2 * a - 4 / 2")).toBe(5);
    expect(at("2 ** 3 ** 2")).toBe(512);
    expect(at("a - 1 - 1")).toBe(1);
    expect(at("1.5e1 + .5")).toBe(15.5);
  });

  it("reads the engine's other ops, as calls and as methods, with PyTorch's gradients", () => {
    const at = (text: string, a = 0.7, b = -1.2) => evaluateExpression(text, { a, b }).output;
    expect(at("abs(b)").data).toBe(1.2);
    expect(at("a.sqrt()").data).toBe(Math.sqrt(0.7));
    expect(at("sin(a) + cos(a)").data).toBe(Math.sin(0.7) + Math.cos(0.7));
    expect(at("log1p(a) - expm1(a)").data).toBe(Math.log1p(0.7) - Math.expm1(0.7));
    expect(at("max(a, b) + min(a, b)").data).toBe(0.7 + -1.2);
    expect(at("a.rsub(2)").data).toBe(2 - 0.7);
    expect(at("rdiv(a, 1)").data).toBe(1 / 0.7);
    expect(at("b.leakyRelu(0.2)").data).toBe(-1.2 * 0.2);
    expect(at("leakyRelu(b)").data).toBe(-1.2 * 0.01);
    expect(at("clamp(b, -1, 1)").data).toBe(-1);
    expect(at("a.silu()").op).toBe("silu");
    expect(at("gelu(a)").op).toBe("gelu");
    expect(at("geluTanh(a)").op).toBe("gelu(tanh)");
    // A variable exponent: a ** of two Values, whose exponent gets aᵇ·log a.
    const { output, variables } = evaluateExpression("a ** b", { a: 2, b: 3 });
    expect(output.op).toBe("**");
    output.backward();
    expect(variables.b?.grad).toBe(8 * Math.log(2));
    expect(at("a ** 2").op).toBe("**2");
  });

  it("makes one leaf per variable, so a reused name accumulates", () => {
    const { output, variables } = evaluateExpression("a*a + a", { a: 3 });
    output.backward();
    expect(variables.a?.grad).toBe(7);
  });

  it("lists the variables it needs and complains about missing ones", () => {
    expect(expressionVariables("tanh(x1*w1 + x1) + b")).toEqual(["x1", "w1", "b"]);
    expect(() => evaluateExpression("a + b", { a: 1 })).toThrow("no value given for b");
  });

  const bad: [string, string][] = [
    ["a +", "expected a number, a name or '(' but found the end at column 4"],
    ["(a + 1", "expected \")\" but found the end at column 7"],
    ["a $ b", "unexpected character \"$\" at column 3"],
    ["a b", "expected an operator or the end but found \"b\" at column 3"],
    [
      "foo(a)",
      "unknown function \"foo\"; known: abs, add, clamp, cos, div, exp, expm1, gelu, geluTanh, leakyRelu, log, log1p, max, min, mul, neg, pow, rdiv, relu, rsub, sigmoid, silu, sin, softplus, sqrt, sub, tanh at column 1",
    ],
    ["tanh(a, a)", "tanh takes 1 argument, got 2"],
    ["clamp(a, 0)", "clamp takes 3 arguments, got 2"],
    ["a.clamp(b, 1)", "clamp's bounds must be a constant number"],
    ["leakyRelu(a, b)", "leakyRelu's slope must be a constant number"],
    ["a.", "expected a method name after '.' but found the end"],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text)} with a message that says where`, () => {
      const run = () => evaluateExpression(text, { a: 1, b: 2 });
      expect(run).toThrow(ExpressionError);
      expect(run).toThrow(message);
    });
  }

  it("parses to a tree a caller can inspect", () => {
    expect(parseExpression("a * 2")).toEqual({
      kind: "binary", op: "*", left: { kind: "variable", name: "a", at: 1 }, right: { kind: "number", value: 2 },
    });
  });

  it("labels each intermediate Value with its text, as the seeds do", () => {
    const { output } = evaluateExpression("tanh(x1*w1 + x2*w2 + b)", SEED);
    const labels: string[] = [];
    const walk = (v: typeof output) => {
      v.children.forEach(walk);
      if (v.op !== "") labels.push(v.label);
    };
    walk(output);
    expect(labels).toEqual(["x1*w1", "x2*w2", "x1*w1 + x2*w2", "x1*w1 + x2*w2 + b", "tanh(x1*w1 + x2*w2 + b)"]);
  });

  it("prints expressions with only the parentheses they need", () => {
    const print = (text: string) => expressionText(parseExpression(text));
    expect(print("(a*b) + (c)")).toBe("a*b + c");
    expect(print("(a + b) * c")).toBe("(a + b)*c");
    expect(print("a - (b - c)")).toBe("a - (b - c)");
    expect(print("(a*b + c).relu()")).toBe("relu(a*b + c)");
    expect(print("(a + 1) ** 2")).toBe("(a + 1)**2");
  });
});
