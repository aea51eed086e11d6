import { describe } from "./errors.js";
import { ShapeError } from "./shape-error.js";
import { OpCode } from "./ops.js";
import { Value, isValue, topologicalOrderOf } from "./value.js";

/**
 * The recording `compile()` has open, if any: each op result made while it runs carries its
 * token in `_pass` (a field only leaves otherwise use), so that the recording can tell the op
 * nodes it made from those made before and closed over. Shared through the symbol registry, as
 * the no-grad switch is, so that a dependency's copy of the engine marks its Values too.
 */
export const recorder: { token: object | null } = ((globalThis as Record<symbol, { token: object | null } | undefined>)[
  Symbol.for("@micrograd/engine/recording")
] ??= { token: null });

/** What one call of `build` made: its input leaves, its outputs, and the token its op nodes carry. */
export interface Recording {
  readonly inputs: Value[];
  readonly outputs: Value[];
  readonly token: object;
}

/** Calls `build` with one fresh leaf per input, marking the op nodes it makes, and checks that it returned Values. */
export function record(build: (inputs: Value[]) => Value | readonly Value[], inputs: readonly number[]): Recording {
  const leaves = inputs.map((x) => new Value(x));
  const token = {};
  const outer = recorder.token;
  recorder.token = token;
  let result: unknown;
  try {
    result = build(leaves);
  } finally {
    recorder.token = outer;
  }
  const outputs = isValue(result) ? [result] : result;
  if (!Array.isArray(outputs)) {
    throw new TypeError(`compile: build must return a Value or an array of Values, got ${describe(result)}`);
  }
  if (outputs.length === 0) throw new ShapeError("compile: build returned no Values");
  outputs.forEach((v: unknown, i) => {
    if (!isValue(v)) throw new TypeError(`compile: build must return Values, got ${describe(v)} at index ${i}`);
  });
  return { inputs: leaves, outputs: outputs as Value[], token };
}

/** What a node of a recorded graph is. */
export const enum Kind {
  /** A leaf: closed over (a parameter) or a constant. */
  Leaf = 0,
  /** One of the recording's inputs. */
  Input = 1,
  /** An op node the recording made. */
  Made = 2,
  /** An op node made before the recording and closed over: read, not recomputed, at a replay. */
  ClosedOver = 3,
}

/**
 * A recorded graph over typed indices: its nodes in topological order, and for node `k` its kind,
 * its input number (-1 if none), its operands' positions (`a`, `b` for an op of one or two; the
 * lists `args[argStart, argMid)` and `args[argMid, argEnd)` for an n-ary op) and how many times
 * it is used (by ops and as an output). Construction is linear, with no Map keyed by Value.
 */
export interface IndexedGraph {
  readonly order: Value[];
  readonly kind: Uint8Array;
  /** Each node's op code ({@link OpCode.Leaf} for a leaf): later passes read these bytes, not the Values scattered over the heap. */
  readonly code: Uint8Array;
  readonly input: Int32Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly argStart: Int32Array;
  readonly argMid: Int32Array;
  readonly argEnd: Int32Array;
  readonly args: Int32Array;
  readonly uses: Int32Array;
  /** The positions of the outputs. */
  readonly outputs: Int32Array;
}

/**
 * Indexes `recording`'s graph. Each node's position is kept in its `grad` while the operands are
 * looked up — an array slot per node instead of a Map of a million Values — and every grad is
 * put back before it returns.
 */
export function indexGraph(recording: Recording): IndexedGraph {
  const order = topologicalOrderOf(recording.outputs);
  const n = order.length;
  const kind = new Uint8Array(n);
  const code = new Uint8Array(n);
  const input = new Int32Array(n).fill(-1);
  const a = new Int32Array(n).fill(-1);
  const b = new Int32Array(n).fill(-1);
  const argStart = new Int32Array(n);
  const argMid = new Int32Array(n);
  const argEnd = new Int32Array(n);
  const uses = new Int32Array(n);
  const args: number[] = [];
  const saved = new Float64Array(n);
  const inputOf = new Map(recording.inputs.map((v, i) => [v, i]));
  for (let k = 0; k < n; k++) {
    const v = order[k] as Value;
    saved[k] = v.grad;
    v.grad = k;
  }
  try {
    for (let k = 0; k < n; k++) {
      const v = order[k] as Value;
      const arity = v._op.arity;
      code[k] = v._op.code;
      if (arity === 0) {
        const i = inputOf.get(v);
        if (i !== undefined) {
          kind[k] = Kind.Input;
          input[k] = i;
        }
        continue;
      }
      kind[k] = v._pass === recording.token ? Kind.Made : Kind.ClosedOver;
      if (arity < 0) {
        argStart[k] = args.length;
        for (const x of v._args) args.push(x.grad);
        argMid[k] = args.length;
        for (const y of v._args2) args.push(y.grad);
        argEnd[k] = args.length;
        for (let j = argStart[k] as number; j < args.length; j++) uses[args[j] as number]! += 1;
      } else {
        a[k] = v._a.grad;
        b[k] = arity === 2 ? v._b.grad : v._a.grad;
        uses[a[k] as number]! += 1;
        if (arity === 2) uses[b[k] as number]! += 1;
      }
    }
    const outputs = Int32Array.from(recording.outputs, (v) => v.grad);
    for (const o of outputs) uses[o]! += 1;
    return { order, kind, code, input, a, b, argStart, argMid, argEnd, args: Int32Array.from(args), uses, outputs };
  } finally {
    // A +0 is written back as the literal 0: storing a number read from a Float64Array boxes it
    // in a fresh heap number, which for a million Values took 0.7 s of garbage collection.
    for (let k = 0; k < n; k++) {
      const g = saved[k] as number;
      (order[k] as Value).grad = Object.is(g, 0) ? 0 : g;
    }
  }
}

/**
 * Where two recordings of the same build differ, in words, or null when they are the same graph:
 * the same ops in the same order on the same operands, the same Values closed over, the same
 * constants. Inputs may differ (they are what changed).
 */
export function firstDifference(x: IndexedGraph, y: IndexedGraph): string | null {
  if (x.outputs.length !== y.outputs.length) return `it returned ${y.outputs.length} Values where the recording returned ${x.outputs.length}`;
  const n = x.order.length;
  if (n !== y.order.length) return `its graph has ${y.order.length} Values where the recording has ${n}`;
  const what = (g: IndexedGraph, k: number) => {
    const v = g.order[k] as Value;
    return g.kind[k] === Kind.Input ? `input ${g.input[k]}` : v.op ? `a ${JSON.stringify(v.op)}` : "a leaf";
  };
  for (let k = 0; k < n; k++) {
    const u = x.order[k] as Value;
    const v = y.order[k] as Value;
    const where = `Value ${k + 1} of ${n}`;
    // The op codes first, from the typed arrays: a Value is read only where they cannot tell.
    const sameOp = x.code[k] === y.code[k] && (x.code[k] !== OpCode.Pow || u._op.exponent === v._op.exponent) && (x.code[k] !== OpCode.Rule || u.op === v.op);
    if (x.kind[k] !== y.kind[k] || x.input[k] !== y.input[k] || !sameOp) return `${where} is ${what(y, k)} where the recording has ${what(x, k)}`;
    if (x.kind[k] === Kind.Input || u === v) continue;
    // Two leaves that are not the same Value are constants the build made: they must agree.
    if (x.kind[k] === Kind.Leaf) {
      if (!Object.is(u.data, v.data)) return `${where} is the constant ${v.data} where the recording has ${u.data}`;
      continue;
    }
    if (x.kind[k] === Kind.ClosedOver) return `${where} is another Value closed over from outside`;
    const sameOperands =
      x.a[k] === y.a[k] && x.b[k] === y.b[k] && x.argEnd[k]! - x.argStart[k]! === y.argEnd[k]! - y.argStart[k]! && x.argMid[k]! - x.argStart[k]! === y.argMid[k]! - y.argStart[k]!;
    if (!sameOperands) return `${where}, a ${JSON.stringify(u.op)}, reads other operands`;
    for (let j = 0; j < x.argEnd[k]! - x.argStart[k]!; j++) {
      if (x.args[x.argStart[k]! + j] !== y.args[y.argStart[k]! + j]) return `${where}, a ${JSON.stringify(u.op)}, reads other operands`;
    }
    if (x.code[k] === OpCode.Rule && (u._op.p !== v._op.p || u._op.q !== v._op.q)) return `${where}, a ${JSON.stringify(u.op)}, has other parameters`;
  }
  for (let j = 0; j < x.outputs.length; j++) if (x.outputs[j] !== y.outputs[j]) return "it returns other Values of its graph";
  return null;
}
