import type { Value } from "./value.js";

/**
 * One operation of the engine: its forward rule lives in `Value`'s method of the same name, and
 * its local derivative here. `backward` adds `out.grad × ∂out/∂operand` to each operand's grad —
 * always `+=`, so a Value used twice collects both contributions.
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
  readonly backward: (out: Value, a: Value, b: Value, args: readonly Value[], args2: readonly Value[]) => void;
}

/** Numbers for the ops, so compiled graphs can store them in a typed array. */
export const OpCode = {
  Leaf: 0, Add: 1, Sub: 2, Mul: 3, Div: 4, Neg: 5, Exp: 6, Log: 7, Tanh: 8, Sigmoid: 9, Relu: 10, Pow: 11, Sum: 12, Dot: 13,
} as const;
export type OpCode = (typeof OpCode)[keyof typeof OpCode];

/** What a leaf (a Value made by the user, not by an op) has for an op. */
export const LEAF: Op = { name: "", code: OpCode.Leaf, exponent: 0, arity: 0, backward: () => undefined };

export const ADD: Op = {
  name: "+",
  code: OpCode.Add,
  exponent: 0,
  arity: 2,
  backward: (out, a, b) => {
    a.grad += out.grad;
    b.grad += out.grad;
  },
};

export const SUB: Op = {
  name: "-",
  code: OpCode.Sub,
  exponent: 0,
  arity: 2,
  backward: (out, a, b) => {
    a.grad += out.grad;
    b.grad += -out.grad;
  },
};

export const MUL: Op = {
  name: "*",
  code: OpCode.Mul,
  exponent: 0,
  arity: 2,
  backward: (out, a, b) => {
    a.grad += out.grad * b.data;
    b.grad += out.grad * a.data;
  },
};

export const DIV: Op = {
  name: "/",
  code: OpCode.Div,
  exponent: 0,
  arity: 2,
  backward: (out, a, b) => {
    // d(a/b)/da = 1/b, d(a/b)/db = -a/b², computed as PyTorch does: -(a/b)/b.
    a.grad += out.grad / b.data;
    b.grad += -out.grad * (a.data / b.data / b.data);
  },
};

export const NEG: Op = {
  name: "neg",
  code: OpCode.Neg,
  exponent: 0,
  arity: 1,
  backward: (out, a) => {
    a.grad += -out.grad;
  },
};

export const EXP: Op = {
  name: "exp",
  code: OpCode.Exp,
  exponent: 0,
  arity: 1,
  backward: (out, a) => {
    // d(eˣ)/dx = eˣ, which is the result itself.
    a.grad += out.grad * out.data;
  },
};

export const LOG: Op = {
  name: "log",
  code: OpCode.Log,
  exponent: 0,
  arity: 1,
  backward: (out, a) => {
    a.grad += out.grad / a.data;
  },
};

export const TANH: Op = {
  name: "tanh",
  code: OpCode.Tanh,
  exponent: 0,
  arity: 1,
  backward: (out, a) => {
    // d(tanh x)/dx = 1 - tanh²x, from the result so it never overflows.
    a.grad += out.grad * (1 - out.data * out.data);
  },
};

export const SIGMOID: Op = {
  name: "sigmoid",
  code: OpCode.Sigmoid,
  exponent: 0,
  arity: 1,
  backward: (out, a) => {
    // dσ/dx = (1 - σ)·σ, from the result.
    a.grad += out.grad * (1 - out.data) * out.data;
  },
};

export const RELU: Op = {
  name: "ReLU",
  code: OpCode.Relu,
  exponent: 0,
  arity: 1,
  backward: (out, a) => {
    // An inactive unit (and relu'(0)) passes nothing back — not even an Infinity or NaN grad.
    if (out.data > 0) a.grad += out.grad;
  },
};

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
      backward: (out, a) => {
        // d(xᵏ)/dx = k·xᵏ⁻¹; PyTorch defines the k = 0 case as 0 everywhere (even at x = 0).
        if (exponent !== 0) a.grad += out.grad * (exponent * a.data ** (exponent - 1));
      },
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
  backward: (out, _a, _b, args) => {
    for (const arg of args) arg.grad += out.grad;
  },
};

export const DOT: Op = {
  name: "dot",
  code: OpCode.Dot,
  exponent: 0,
  arity: -1,
  backward: (out, _a, _b, xs, ys) => {
    // ∂(Σ xᵢyᵢ)/∂xᵢ = yᵢ and ∂/∂yᵢ = xᵢ.
    const g = out.grad;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as Value;
      const y = ys[i] as Value;
      x.grad += g * y.data;
      y.grad += g * x.data;
    }
  },
};
