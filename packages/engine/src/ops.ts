import type { Value } from "./value.js";

/**
 * One operation of the engine. Each formula is written once: a value or derivative beyond one
 * IEEE operation is a function here (`sigmoidForward`, `sigmoidBackward`, `tanhBackward`,
 * `reluPasses`, `powBackward`…) or in the op's {@link Rule}, called by `Value`'s method, by
 * {@link passBack} (graph mode and `backwardSteps`) and by the compiled kernels alike; only the
 * fused neuron of `compile.ts` has a kernel of its own, built from the same functions.
 *
 * The derivative formulas are written the way PyTorch writes them, so results agree to the last
 * few bits.
 */
export interface Op {
  /** Shown in graphs and in `Value.op`, as micrograd writes it (`+`, `*`, `tanh`, `**2`…). */
  readonly name: string;
  /** Which op this is, for the compiled kernels of `compile.ts`. */
  readonly code: OpCode;
  /** The constant exponent of a `**k` op; 0 for the others. */
  readonly exponent: number;
  /** How many operands the op reads from `a`, `b`; -1 for n-ary ops that read `args`. */
  readonly arity: -1 | 0 | 1 | 2;
  /**
   * The backward rule of an op that {@link passBack}'s switch leaves out — the loss ops outside
   * `Value`'s own methods — so that a bundle which uses only `Value` does not carry them.
   */
  readonly backward?: (out: Value) => void;
  /** The value and local derivatives of an op of code {@link OpCode.Rule}, written once (see `rules.ts`). */
  readonly rule?: Rule;
  /** A {@link Rule} op's parameters (leaky relu's slope; clamp's min and max), 0 when unused. */
  readonly p?: number;
  readonly q?: number;
}

/**
 * An op defined once: its value from its operands' values `a` and `b` (`b` is `a` for an op of
 * one operand) and its parameters, and what it passes back to each operand for grad `g`.
 */
export interface Rule {
  forward(a: number, b: number, p: number, q: number): number;
  gradA(a: number, b: number, out: number, g: number, p: number, q: number): number;
  /** For an op of two operands. */
  gradB?(a: number, b: number, out: number, g: number, p: number, q: number): number;
  /**
   * {@link Rule.gradA} computed with Values, the same operations in the same order (so the same
   * number to the bit), for `grad(…, { createGraph: true })` to differentiate again; null where
   * nothing passes. A branch on the data here is a mask, whose own derivative is 0.
   */
  vjpA(a: Value, b: Value, out: Value, g: Value, p: number, q: number): Value | null;
  /** {@link Rule.gradB} with Values, for an op of two operands. */
  vjpB?(a: Value, b: Value, out: Value, g: Value, p: number, q: number): Value | null;
}

/**
 * Numbers for the ops, so compiled graphs can store them in a typed array. An enum, because the
 * bundler inlines its members: the op objects below then read no property, so a bundle drops
 * the ones it does not use.
 */
export enum OpCode {
  Leaf = 0, Add = 1, Sub = 2, Mul = 3, Div = 4, Neg = 5, Exp = 6, Log = 7, Tanh = 8, Sigmoid = 9, Relu = 10, Pow = 11, Sum = 12, Dot = 13,
  Softplus = 14, LogSumExp = 15, Bce = 16, BceWithLogits = 17, Rule = 18,
}

/** What a leaf (a Value made by the user, not by an op) has for an op. */
export const LEAF: Op = { name: "", code: OpCode.Leaf, exponent: 0, arity: 0 };

export const ADD: Op = {
  name: "+",
  code: OpCode.Add,
  exponent: 0,
  arity: 2,
};

export const SUB: Op = {
  name: "-",
  code: OpCode.Sub,
  exponent: 0,
  arity: 2,
};

export const MUL: Op = {
  name: "*",
  code: OpCode.Mul,
  exponent: 0,
  arity: 2,
};

export const DIV: Op = {
  name: "/",
  code: OpCode.Div,
  exponent: 0,
  arity: 2,
};

export const NEG: Op = {
  name: "neg",
  code: OpCode.Neg,
  exponent: 0,
  arity: 1,
};

export const EXP: Op = {
  name: "exp",
  code: OpCode.Exp,
  exponent: 0,
  arity: 1,
};

export const LOG: Op = {
  name: "log",
  code: OpCode.Log,
  exponent: 0,
  arity: 1,
};

/**
 * The grad tanh passes back for `g` when its result is `t`: `g·(1 - t²)`, from the result so it
 * never overflows, with `1 - t²` computed as `(1 - t)(1 + t)`: near |t| = 1, where `t²` would
 * round away most of the digits, this is within an ulp of the correctly rounded value (what
 * PyTorch gets for one element, where the compiler fuses `1 - t·t` into an FMA).
 */
export function tanhBackward(t: number, g: number): number {
  return g * ((1 - t) * (1 + t));
}

export const TANH: Op = {
  name: "tanh",
  code: OpCode.Tanh,
  exponent: 0,
  arity: 1,
};

/** σ(x) = 1 / (1 + e⁻ˣ), sigmoid's value: finite for every input (0 or 1 far from 0). */
export function sigmoidForward(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The grad sigmoid passes back for `g` when its result is `s`: `g·(1 - s)·s`, from the result. */
export function sigmoidBackward(s: number, g: number): number {
  return g * (1 - s) * s;
}

export const SIGMOID: Op = {
  name: "sigmoid",
  code: OpCode.Sigmoid,
  exponent: 0,
  arity: 1,
};

/** `relu(x)` as PyTorch computes it: `x < 0 ? 0 : x`, so relu(-0) is -0 and relu(NaN) is NaN. */
export function reluForward(x: number): number {
  return x < 0 ? 0 : x;
}

/**
 * Whether relu passes its grad back at input `x`, as PyTorch's threshold_backward: where x > 0,
 * and where x is NaN — nothing (not even an Infinity or NaN grad) where x ≤ 0, so relu'(0) = 0.
 */
export function reluPasses(x: number): boolean {
  return !(x <= 0);
}

export const RELU: Op = {
  name: "ReLU",
  code: OpCode.Relu,
  exponent: 0,
  arity: 1,
};

/** PyTorch's softplus threshold (beta 1): above it, softplus(x) is x itself. */
export const SOFTPLUS_THRESHOLD = 20;

/** `log(1 + eˣ)` as PyTorch's `F.softplus` computes it: `x` above 20, else `log1p(exp(x))`. */
export function softplusForward(x: number): number {
  return x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x));
}

/** The grad softplus passes back for `g` at `x`, in PyTorch's formula: `g·z/(z+1)` with `z = eˣ`. */
export function softplusBackward(x: number, g: number): number {
  if (x > SOFTPLUS_THRESHOLD) return g;
  const z = Math.exp(x);
  return (g * z) / (z + 1);
}

export const SOFTPLUS: Op = {
  name: "softplus",
  code: OpCode.Softplus,
  exponent: 0,
  arity: 1,
};

/** The grad `x ** k` passes back for `g`: `g·k·xᵏ⁻¹`, and 0 for k = 0 everywhere (even at x = 0), as PyTorch defines it. */
export function powBackward(x: number, k: number, g: number): number {
  return k === 0 ? 0 : g * (k * x ** (k - 1));
}

/** The grad `a / b` passes to `b` for `g`: `-a/b²`, computed as PyTorch does, `-g·(a/b)/b`. */
export function divBackwardB(a: number, b: number, g: number): number {
  return -g * (a / b / b);
}

/** The grad logsumexp passes to an operand `x` for `g`: `g·softmax(x)`, computed as PyTorch does from the result, `g·exp(x - result)`. */
export function logSumExpBackward(x: number, result: number, g: number): number {
  return g * Math.exp(x - result);
}

const powOps = new Map<number, Op>();

/** The op for `x ** exponent`; one object per exponent, so a training loop allocates none. */
export function powOp(exponent: number): Op {
  let op = powOps.get(exponent);
  if (op === undefined) {
    op = {
      name: `**${exponent}`,
      code: OpCode.Pow,
      exponent,
      arity: 1,
    };
    powOps.set(exponent, op);
  }
  return op;
}

export const SUM: Op = {
  name: "sum",
  code: OpCode.Sum,
  exponent: 0,
  arity: -1,
};

export const DOT: Op = {
  name: "dot",
  code: OpCode.Dot,
  exponent: 0,
  arity: -1,
};

/**
 * The shift PyTorch's `logsumexp` subtracts before `exp`: the largest entry, or 0 when that is
 * ±Infinity (so an all -Infinity row gives -Infinity, not NaN).
 */
export function logSumExpShift(max: number): number {
  return Math.abs(max) === Infinity ? 0 : max;
}

export const LOG_SUM_EXP: Op = {
  name: "logsumexp",
  code: OpCode.LogSumExp,
  exponent: 0,
  arity: -1,
  backward: (out) => {
    // ∂/∂xᵢ log Σ eˣʲ = softmax(x)ᵢ, which PyTorch computes as exp(xᵢ - result).
    for (const arg of out._args) arg.grad += logSumExpBackward(arg.data, out.data, out.grad);
  },
};

/** PyTorch's floor on the logs of binary cross-entropy: `log(0)` counts as -100. */
const BCE_LOG_FLOOR = -100;
/** PyTorch's floor on `p(1-p)` in the gradient of binary cross-entropy: 1e-12 as a float32, as PyTorch stores it. */
export const BCE_EPSILON = 9.999999960041972e-13;

/**
 * Binary cross-entropy of probability `p` against target `y` as PyTorch's
 * `binary_cross_entropy` computes it: `(y - 1)·max(log(1 - p), -100) - y·max(log p, -100)`.
 * NaN when `p` or `y` lies outside [0, 1] (where PyTorch throws).
 */
export function bceForward(p: number, y: number): number {
  if (!(p >= 0 && p <= 1 && y >= 0 && y <= 1)) return NaN;
  return (y - 1) * Math.max(Math.log(1 - p), BCE_LOG_FLOOR) - y * Math.max(Math.log(p), BCE_LOG_FLOOR);
}

/** The grad binary cross-entropy passes to `p`, as PyTorch: `g·(p - y) / max((1 - p)·p, 1e-12)`. */
export function bceBackward(p: number, y: number, g: number): number {
  return (g * (p - y)) / Math.max((1 - p) * p, BCE_EPSILON);
}

/**
 * The grad binary cross-entropy passes to the target `y`, as PyTorch's
 * `binary_cross_entropy_target_backward`: `-logit(p)·g`, with `logit(p) = log(p / (1 - p))`.
 */
export function bceTargetBackward(p: number, g: number): number {
  return -Math.log(p / (1 - p)) * g;
}

/**
 * A loss op of a prediction `a` and a target `b`: `gradOf(a, b, out.grad)` goes to `a` and
 * `targetGradOf(a, out.grad)` to `b` — as in PyTorch, the target gets its gradient too.
 */
function targetLoss(
  name: string, code: OpCode, gradOf: (a: number, b: number, g: number) => number, targetGradOf: (a: number, g: number) => number,
): Op {
  return {
    name,
    code,
    exponent: 0,
    arity: 2,
    backward: (out) => {
      out._a.grad += gradOf(out._a.data, out._b.data, out.grad);
      out._b.grad += targetGradOf(out._a.data, out.grad);
    },
  };
}

export const BCE: Op = /* @__PURE__ */ targetLoss("bce", OpCode.Bce, bceBackward, bceTargetBackward);

/**
 * Binary cross-entropy of `sigmoid(z)` against `y`, as PyTorch's
 * `binary_cross_entropy_with_logits` computes it: `(1 - y)·z + m + log(e^-m + e^(-z-m))` with
 * `m = max(-z, 0)`, finite for every finite logit and exact where `softplus` would round.
 */
export function bceWithLogitsForward(z: number, y: number): number {
  const m = reluForward(-z);
  return (1 - y) * z + m + Math.log(Math.exp(-m) + Math.exp(-z - m));
}

/** The grad BCE with logits passes to `z`, as PyTorch: `(sigmoid(z) - y)·g`. */
export function bceWithLogitsBackward(z: number, y: number, g: number): number {
  return (sigmoidForward(z) - y) * g;
}

/** The grad BCE with logits passes to the target `y`, as PyTorch: `-z·g`. */
export function bceWithLogitsTargetBackward(z: number, g: number): number {
  return -z * g;
}

export const BCE_WITH_LOGITS: Op = /* @__PURE__ */ targetLoss("bceWithLogits", OpCode.BceWithLogits, bceWithLogitsBackward, bceWithLogitsTargetBackward);

/**
 * Adds `out.grad × ∂out/∂operand` to each operand's grad of `out` (nothing for a leaf) — always
 * `+=`, so a Value used twice collects both contributions. One switch over the op codes rather
 * than a function per op: the backward loop then makes one call the JIT can specialise, where a
 * function per op made every call site megamorphic (a quarter of graph mode's backward). The
 * loss ops that `Value` does not make carry their own {@link Op.backward}.
 */
export function passBack(out: Value): void {
  const g = out.grad;
  const a = out._a;
  const b = out._b;
  switch (out._op.code) {
    case OpCode.Leaf:
      return;
    case OpCode.Add:
      a.grad += g;
      b.grad += g;
      return;
    case OpCode.Sub:
      a.grad += g;
      b.grad += -g;
      return;
    case OpCode.Mul:
      a.grad += g * b.data;
      b.grad += g * a.data;
      return;
    case OpCode.Div:
      a.grad += g / b.data;
      b.grad += divBackwardB(a.data, b.data, g);
      return;
    case OpCode.Neg:
      a.grad += -g;
      return;
    case OpCode.Exp:
      // d(eˣ)/dx = eˣ, which is the result itself.
      a.grad += g * out.data;
      return;
    case OpCode.Log:
      a.grad += g / a.data;
      return;
    case OpCode.Tanh:
      a.grad += tanhBackward(out.data, g);
      return;
    case OpCode.Sigmoid:
      a.grad += sigmoidBackward(out.data, g);
      return;
    case OpCode.Relu:
      if (reluPasses(a.data)) a.grad += g;
      return;
    case OpCode.Pow:
      a.grad += powBackward(a.data, out._op.exponent, g);
      return;
    case OpCode.Softplus:
      a.grad += softplusBackward(a.data, g);
      return;
    case OpCode.Sum:
      for (const arg of out._args) arg.grad += g;
      return;
    case OpCode.Dot: {
      // ∂(Σ xᵢyᵢ)/∂xᵢ = yᵢ and ∂/∂yᵢ = xᵢ.
      const xs = out._args;
      const ys = out._args2;
      // A neuron's weights may be leaves of a ValueStore: their numbers are then read and added
      // to in the store's arrays, where each leaf's accessors made graph mode's backward slower.
      const store = xs[0]?._store;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i] as Value;
        const y = ys[i] as Value;
        if (store !== undefined && x._store === store) {
          const k = x._index as number;
          store.grad[k]! += g * y.data;
          y.grad += g * (store.data[k] as number);
        } else {
          x.grad += g * y.data;
          y.grad += g * x.data;
        }
      }
      return;
    }
    case OpCode.Rule: {
      const op = out._op;
      const rule = op.rule as Rule;
      const p = op.p as number;
      const q = op.q as number;
      a.grad += rule.gradA(a.data, b.data, out.data, g, p, q);
      if (op.arity === 2) b.grad += (rule.gradB as NonNullable<Rule["gradB"]>)(a.data, b.data, out.data, g, p, q);
      return;
    }
    default:
      (out._op.backward as (out: Value) => void)(out);
  }
}
