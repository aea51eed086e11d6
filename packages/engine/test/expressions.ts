import fc from "fast-check";
import { Value, bce, bceWithLogits, dot, logsumexp, sum } from "../src/index.js";

/** A random expression tree over INPUTS leaves, for property tests. */
export type Expr =
  | { kind: "leaf"; index: number }
  | { kind: "unary"; op: UnaryOp; x: Expr }
  | { kind: "binary"; op: "add" | "sub" | "mul" | "safeDiv" | "div" | "max" | "min" | "safePow"; x: Expr; y: Expr }
  | { kind: "nary"; op: "sum" | "dot" | "logsumexp"; xs: Expr[] }
  | { kind: "neuron"; activation: "relu" | "tanh" | "sigmoid" | "linear"; xs: Expr[]; bias: Expr };

type UnaryOp =
  | "neg" | "tanh" | "sigmoid" | "relu" | "softExp" | "logOfSquare" | "square" | "softplus" | "bceOfSigmoid" | "bceWithLogits" | "exp" | "log"
  | "abs" | "sqrtOfSquare" | "sin" | "cos" | "log1pOfSquare" | "expm1OfTanh" | "silu" | "gelu" | "geluTanh" | "leakyRelu" | "clamp" | "rsub" | "rdivOfSquare";

export const INPUTS = 3;

const SMOOTH_UNARY: UnaryOp[] = [
  "neg", "tanh", "sigmoid", "relu", "softExp", "logOfSquare", "square", "softplus", "bceOfSigmoid", "bceWithLogits",
  "abs", "sqrtOfSquare", "sin", "cos", "log1pOfSquare", "expm1OfTanh", "silu", "gelu", "geluTanh", "leakyRelu", "clamp", "rsub", "rdivOfSquare",
];

/**
 * Random expressions: `raw` adds exp, log and division as they are (overflow, log of a negative,
 * division by 0), for tests of how Infinity and NaN spread; without it every op stays smooth.
 */
const expressions = (raw: boolean) => fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ kind: fc.constant("leaf" as const), index: fc.nat(INPUTS - 1) }),
    fc.record({
      kind: fc.constant("unary" as const),
      op: fc.constantFrom(...SMOOTH_UNARY, ...(raw ? (["exp", "log"] as const) : [])),
      x: tie("expr"),
    }),
    fc.record({
      kind: fc.constant("binary" as const),
      op: fc.constantFrom("add", "sub", "mul", "safeDiv", "max", "min", "safePow", ...(raw ? (["div"] as const) : [])),
      x: tie("expr"),
      y: tie("expr"),
    }),
    fc.record({
      kind: fc.constant("nary" as const),
      op: fc.constantFrom("sum", "dot", "logsumexp" as const),
      xs: fc.array(tie("expr"), { minLength: 2, maxLength: 4 }),
    }),
    // A neuron, activation(dot + bias), whose bias may be computed from Values the dot also reads.
    fc.record({
      kind: fc.constant("neuron" as const),
      activation: fc.constantFrom("relu", "tanh", "sigmoid", "linear" as const),
      xs: fc.array(tie("expr"), { minLength: 2, maxLength: 6 }),
      bias: tie("expr"),
    }),
  ),
})).expr;

/** Random smooth expressions, where finite differences are meaningful. */
export const exprArbitrary = expressions(false);

/** Random expressions with raw exp, log and division too. */
export const rawExprArbitrary = expressions(true);

/**
 * Builds the expression on `leaves`. Ops are wrapped to stay in their smooth domain (log of a
 * square + 1, division by a square + 1, exp of a tanh) so finite differences are meaningful;
 * `kinks` collects relu inputs, where finite differences are not.
 */
export function build(e: Expr, leaves: Value[], kinks: number[]): Value {
  switch (e.kind) {
    case "leaf":
      return leaves[e.index] as Value;
    case "unary": {
      const x = build(e.x, leaves, kinks);
      switch (e.op) {
        case "neg": return x.neg();
        case "tanh": return x.tanh();
        case "sigmoid": return x.sigmoid();
        case "relu": kinks.push(x.data); return x.relu();
        case "softExp": return x.tanh().exp();
        case "logOfSquare": return x.pow(2).add(1).log();
        case "square": return x.pow(2);
        case "softplus": return x.softplus();
        case "bceOfSigmoid": return bce(x.sigmoid(), 0.3);
        case "bceWithLogits": return bceWithLogits(x, 0.7);
        case "exp": return x.exp();
        case "log": return x.log();
        case "abs": kinks.push(x.data); return x.abs();
        case "sqrtOfSquare": return x.pow(2).add(0.5).sqrt();
        case "sin": return x.sin();
        case "cos": return x.cos();
        case "log1pOfSquare": return x.pow(2).log1p();
        case "expm1OfTanh": return x.tanh().expm1();
        case "silu": return x.silu();
        case "gelu": return x.gelu();
        case "geluTanh": return x.gelu({ approximate: "tanh" });
        case "leakyRelu": kinks.push(x.data); return x.leakyRelu(0.1);
        case "clamp": kinks.push(x.data + 1, x.data - 1); return x.clamp(-1, 1);
        case "rsub": return x.rsub(2);
        case "rdivOfSquare": return x.pow(2).add(1).rdiv(3);
      }
      break;
    }
    case "binary": {
      const x = build(e.x, leaves, kinks);
      const y = build(e.y, leaves, kinks);
      switch (e.op) {
        case "add": return x.add(y);
        case "sub": return x.sub(y);
        case "mul": return x.mul(y);
        case "safeDiv": return x.div(y.pow(2).add(1));
        case "div": return x.div(y);
        case "max": kinks.push(x.data - y.data); return x.max(y);
        case "min": kinks.push(x.data - y.data); return x.min(y);
        // A positive base, so that every exponent is smooth: (x² + 0.5) ** tanh(y). At an exponent
        // of exactly 0 PyTorch gives the base a gradient of 0 (a `where`), so its second derivative
        // drops the term of d(y·b^(y-1))/dy there — ours too (a PyTorch fixture checks it): a kink
        // for finite differences.
        case "safePow": {
          const exponent = y.tanh();
          kinks.push(exponent.data);
          return x.pow(2).add(0.5).pow(exponent);
        }
      }
      break;
    }
    case "nary": {
      const xs = e.xs.map((x) => build(x, leaves, kinks));
      if (e.op === "sum") return sum(xs);
      if (e.op === "logsumexp") return logsumexp(xs);
      const half = Math.floor(xs.length / 2);
      return dot(xs.slice(0, half), xs.slice(half, 2 * half));
    }
    case "neuron": {
      const xs = e.xs.map((x) => build(x, leaves, kinks));
      const half = Math.floor(xs.length / 2);
      const z = dot(xs.slice(0, half), xs.slice(half, 2 * half)).add(build(e.bias, leaves, kinks));
      switch (e.activation) {
        case "relu": kinks.push(z.data); return z.relu();
        case "tanh": return z.tanh();
        case "sigmoid": return z.sigmoid();
        case "linear": return z;
      }
    }
  }
}
