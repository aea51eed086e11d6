import { OpCode, sigmoidForward } from "./ops.js";
import type { Op, Rule } from "./ops.js";
import type { Value } from "./value.js";
import { erf } from "./erf.js";

/**
 * The ops defined by a {@link Rule}: each one's value and local derivatives written once, here,
 * as PyTorch 1.13 writes them (its CPU kernels and `derivatives.yaml`), and used by graph mode,
 * `backwardSteps` and compiled replays alike.
 */

/** An op of one operand (`b` is `a`), with up to two parameters. */
function unary(name: string, rule: Rule, p = 0, q = 0): Op {
  return { name, code: OpCode.Rule, exponent: 0, arity: 1, rule, p, q };
}

/** An op of two operands. */
function binary(name: string, rule: Rule): Op {
  return { name, code: OpCode.Rule, exponent: 0, arity: 2, rule, p: 0, q: 0 };
}

/** `|x|`, with `sgn(x)` as its derivative: 0 at 0, as PyTorch's `abs`. */
export const ABS: Op = /* @__PURE__ */ unary("abs", {
  forward: (x) => Math.abs(x),
  gradA: (x, _b, _out, g) => g * Math.sign(x),
  // sgn(x) as a constant: ±1, or x itself (detached) where it is ±0 or NaN, as Math.sign gives.
  vjpA: (x, _b, _out, g) => (x.data > 0 ? g : x.data < 0 ? g.neg() : g.mul(x.detach())),
});

/** `√x`; derivative `g / (2√x)`, from the result. */
export const SQRT: Op = /* @__PURE__ */ unary("sqrt", {
  forward: (x) => Math.sqrt(x),
  gradA: (_x, _b, out, g) => g / (2 * out),
  vjpA: (_x, _b, out, g) => g.div(out.mul(2)),
});

export const SIN: Op = /* @__PURE__ */ unary("sin", {
  forward: (x) => Math.sin(x),
  gradA: (x, _b, _out, g) => g * Math.cos(x),
  vjpA: (x, _b, _out, g) => g.mul(x.cos()),
});

export const COS: Op = /* @__PURE__ */ unary("cos", {
  forward: (x) => Math.cos(x),
  gradA: (x, _b, _out, g) => g * -Math.sin(x),
  vjpA: (x, _b, _out, g) => g.mul(x.sin().neg()),
});

/** `log(1 + x)`, exact for small x; derivative `g / (x + 1)`. */
export const LOG1P: Op = /* @__PURE__ */ unary("log1p", {
  forward: (x) => Math.log1p(x),
  gradA: (x, _b, _out, g) => g / (x + 1),
  vjpA: (x, _b, _out, g) => g.div(x.add(1)),
});

/** `eˣ - 1`, exact for small x; derivative `g·(result + 1)`. */
export const EXPM1: Op = /* @__PURE__ */ unary("expm1", {
  forward: (x) => Math.expm1(x),
  gradA: (_x, _b, out, g) => g * (out + 1),
  vjpA: (_x, _b, out, g) => g.mul(out.add(1)),
});

/** `x·sigmoid(x)`, as PyTorch's kernel: `x / (1 + e⁻ˣ)`; derivative `g·σ·(1 + x(1 - σ))`. */
export const SILU: Op = /* @__PURE__ */ unary("silu", {
  forward: (x) => x / (1 + Math.exp(-x)),
  gradA: (x, _b, _out, g) => {
    const s = sigmoidForward(x);
    return g * s * (1 + x * (1 - s));
  },
  vjpA: (x, _b, _out, g) => {
    const s = x.sigmoid();
    return g.mul(s).mul(x.mul(s.rsub(1)).add(1));
  },
});

/** C's M_2_SQRTPI, 2/√π, as the double PyTorch's kernels multiply by. */
const M_2_SQRTPI = 1.1283791670955126;
/** PyTorch's constants for gelu: 1/√2, and 1/√(2π) written as its kernel writes it. */
const SQRT1_2 = Math.SQRT1_2;
const GELU_PDF = M_2_SQRTPI * Math.SQRT1_2 * 0.5;

/** The standard normal density φ(x) = e^(-x²/2)/√(2π), as PyTorch's gelu backward computes it. */
const normalPdf = (x: number) => Math.exp(-0.5 * x * x) * GELU_PDF;
/** φ(x) with Values, the same operations in the same order. */
const normalPdfOf = (x: Value) => x.mul(-0.5).mul(x).exp().mul(GELU_PDF);

/**
 * The standard normal distribution Φ(x) = ½(1 + erf(x/√2)), with φ(x) as its derivative: not a
 * method of Value, but the op that `grad(…, { createGraph: true })` records for gelu's derivative.
 */
export const NORMAL_CDF: Op = /* @__PURE__ */ unary("normalCdf", {
  forward: (x) => 0.5 * (1 + erf(x * SQRT1_2)),
  gradA: (x, _b, _out, g) => g * normalPdf(x),
  vjpA: (x, _b, _out, g) => g.mul(normalPdfOf(x)),
});

/** gelu, exact: `x·Φ(x) = x·½(1 + erf(x/√2))`; derivative `g·(Φ(x) + x·φ(x))`. */
export const GELU: Op = /* @__PURE__ */ unary("gelu", {
  forward: (x) => x * 0.5 * (1 + erf(x * SQRT1_2)),
  gradA: (x, _b, _out, g) => g * (0.5 * (1 + erf(x * SQRT1_2)) + x * normalPdf(x)),
  vjpA: (x, _b, _out, g) => g.mul(x._rule(NORMAL_CDF).add(x.mul(normalPdfOf(x)))),
});

/** √(2/π) and 0.044715, as PyTorch's tanh approximation of gelu writes them. */
const GELU_BETA = Math.SQRT2 * M_2_SQRTPI * 0.5;
const GELU_KAPPA = 0.044715;

/** gelu, tanh approximation: `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`. */
export const GELU_TANH: Op = /* @__PURE__ */ unary("gelu(tanh)", {
  forward: (x) => {
    const inner = GELU_BETA * (x + GELU_KAPPA * (x * x * x));
    return 0.5 * x * (1 + Math.tanh(inner));
  },
  gradA: (x, _b, _out, g) => {
    const square = x * x;
    const inner = GELU_BETA * (x + GELU_KAPPA * (square * x));
    const t = Math.tanh(inner);
    const left = 0.5 * x;
    const leftDerivative = 0.5 * (1 + t);
    const innerDerivative = GELU_BETA * (1 + 3 * GELU_KAPPA * square);
    return g * (leftDerivative + left * (1 - t * t) * innerDerivative);
  },
  vjpA: (x, _b, _out, g) => {
    const square = x.mul(x);
    const t = x.add(square.mul(x).mul(GELU_KAPPA)).mul(GELU_BETA).tanh();
    const leftDerivative = t.add(1).mul(0.5);
    const innerDerivative = square.mul(3 * GELU_KAPPA).add(1).mul(GELU_BETA);
    return g.mul(leftDerivative.add(x.mul(0.5).mul(t.mul(t).rsub(1)).mul(innerDerivative)));
  },
});

const LEAKY_RELU: Rule = {
  forward: (x, _b, slope) => (x > 0 ? x : x * slope),
  // The slope at 0 too, as PyTorch's `leaky_relu_backward` (self > 0 ? grad : grad·slope).
  gradA: (x, _b, _out, g, slope) => (x > 0 ? g : g * slope),
  vjpA: (x, _b, _out, g, slope) => (x.data > 0 ? g : g.mul(slope)),
};

/** leaky relu with `slope` for x ≤ 0. */
export function leakyReluOp(slope: number): Op {
  return unary("leakyRelu", LEAKY_RELU, slope);
}

const CLAMP: Rule = {
  // std::min(std::max(x, min), max), NaN kept.
  forward: (x, _b, min, max) => (Number.isNaN(x) ? x : Math.min(Math.max(x, min), max)),
  // The gradient passes on the closed interval [min, max], nothing elsewhere: PyTorch's `where`.
  gradA: (x, _b, _out, g, min, max) => (x >= min && x <= max ? g : 0),
  vjpA: (x, _b, _out, g, min, max) => (x.data >= min && x.data <= max ? g : null),
};

/** clamp to [min, max]. */
export function clampOp(min: number, max: number): Op {
  return unary("clamp", CLAMP, min, max);
}

/** std::max and std::min, with NaN from either side, as PyTorch's `maximum` and `minimum`. */
const larger = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a < b ? b : a);
const smaller = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : b < a ? b : a);

/** The larger of two Values; a tie splits the gradient in halves, as PyTorch's `maximum`. */
export const MAX: Op = /* @__PURE__ */ binary("max", {
  forward: larger,
  gradA: (a, b, _out, g) => (a < b ? 0 : a === b ? g / 2 : g),
  gradB: (a, b, _out, g) => (a > b ? 0 : a === b ? g / 2 : g),
  vjpA: (a, b, _out, g) => (a.data < b.data ? null : a.data === b.data ? g.div(2) : g),
  vjpB: (a, b, _out, g) => (a.data > b.data ? null : a.data === b.data ? g.div(2) : g),
});

/** The smaller of two Values; a tie splits the gradient in halves, as PyTorch's `minimum`. */
export const MIN: Op = /* @__PURE__ */ binary("min", {
  forward: smaller,
  gradA: (a, b, _out, g) => (a > b ? 0 : a === b ? g / 2 : g),
  gradB: (a, b, _out, g) => (a < b ? 0 : a === b ? g / 2 : g),
  vjpA: (a, b, _out, g) => (a.data > b.data ? null : a.data === b.data ? g.div(2) : g),
  vjpB: (a, b, _out, g) => (a.data < b.data ? null : a.data === b.data ? g.div(2) : g),
});

/**
 * `a ** b` with a Value exponent, as PyTorch's `pow(Tensor, Tensor)`: `g·b·a^(b-1)` to `a` (0
 * where b = 0) and `g·aᵇ·log a` to `b` (0 where a = 0 and b ≥ 0).
 */
export const POW: Op = /* @__PURE__ */ binary("**", {
  forward: (a, b) => a ** b,
  gradA: (a, b, _out, g) => (b === 0 ? 0 : g * (b * a ** (b - 1))),
  gradB: (a, b, out, g) => g * (a === 0 && b >= 0 ? 0 : out * Math.log(a)),
  vjpA: (a, b, _out, g) => (b.data === 0 ? null : g.mul(b.mul(a.pow(b.sub(1))))),
  vjpB: (a, b, out, g) => g.mul(a.data === 0 && b.data >= 0 ? 0 : out.mul(a.log())),
});
