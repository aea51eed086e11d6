import { anomaly } from "./anomaly.js";
import { AnomalyError, describe } from "./errors.js";
import { ADD, DIV, EXP, LEAF, LOG, MUL, NEG, RELU, SIGMOID, SOFTPLUS, SUB, TANH, passBack, powOp, reluForward, sigmoidForward, softplusForward } from "./ops.js";
import { PROTOCOL, VALUE_BRAND, checkBrand } from "./brand.js";
import type { Op, Rule } from "./ops.js";
import { ABS, COS, EXPM1, GELU, GELU_TANH, LOG1P, MAX, MIN, POW, SILU, SIN, SQRT, clampOp, leakyReluOp } from "./rules.js";
import { gradMode } from "./no-grad.js";
import { recorder } from "./recording.js";
import { joinPass, leavePass } from "./pass.js";
import type { LeafPass } from "./pass.js";
import type { ValueStore } from "./store.js";

/** Options for a leaf {@link Value}. */
export interface ValueOptions {
  /** A name shown in graphs and error messages, e.g. `"w1"`. */
  label?: string;
}

const NO_ARGS: readonly Value[] = [];

/** Marks the constructor call of {@link result}: an op's result, which needs no checks. */
const RESULT: unique symbol = Symbol("result");

/** @internal Marks the constructor call of a store's leaf (`store.ts`), whose data, grad and pass live in the store. */
export const STORED: unique symbol = Symbol("stored");

/**
 * A scalar that remembers how it was computed, so that {@link Value.backward} can fill in the
 * gradient of a result with respect to every Value it was computed from — micrograd's `Value`.
 *
 * Ops never change their operands: each returns a new Value. Operands may be Values or plain
 * numbers (a number becomes a constant leaf).
 *
 * @example
 * const x = new Value(2, { label: "x" });
 * const y = x.mul(x).add(1); // x² + 1
 * y.backward();
 * x.grad; // 4
 */
export class Value {
  // Fields are declared here and all set in the constructor, in one order, so that leaves and op
  // results share one shape and a result is written once (class-field initialisers would first
  // write defaults that an op then overwrites).
  /** The number this Value holds. */
  declare data: number;
  /** ∂root/∂this after the last `root.backward()`; leaves accumulate across calls. */
  declare grad: number;
  /** A name for graphs; `""` when none was given. */
  declare label: string;
  /** @internal The op that produced this Value ({@link LEAF} for a leaf). */
  declare _op: Op;
  /**
   * @internal First operand of a unary or binary op (the Value itself for a leaf). An n-ary op
   * keeps its operand list here instead, read through {@link _args}: one field fewer per Value,
   * which graph mode allocates by the ten thousand per step.
   */
  declare _a: Value;
  /** @internal Second operand of a binary op (`_a` for a unary op); an n-ary op's second list, read through {@link _args2}. */
  declare _b: Value;
  /**
   * @internal Traversal stamp: the current traversal's token once visited. A fresh object per
   * traversal rather than a module-level counter, so that two copies of the engine walking the
   * same graph can never mistake each other's stamps.
   */
  declare _mark: object | undefined;
  /**
   * @internal For a leaf, the backward pass that last reached it (see `pass.ts`): a pass holds a
   * leaf once, told by a compare. For an op result, the `compile()` recording that made it, if
   * one did (see `recording.ts`).
   */
  declare _pass: object | undefined;
  /** @internal For a leaf of a {@link ValueStore}: the store, whose arrays hold its data and grad at `_index`; never set on other Values, so their layout stays as it was. */
  declare _store?: ValueStore;
  /** @internal For a leaf of a store: its index there. */
  declare _index?: number;

  /**
   * Whether `value` is a Value — from this copy of `@micrograd/engine` or from any other
   * compatible one (an ESM and a CJS copy, or two installed versions), so `instanceof Value`
   * works across copies.
   *
   * @throws TypeError if `value` is a Value from an incompatible copy, saying how to dedupe.
   */
  static [Symbol.hasInstance](value: unknown): value is Value {
    return isValue(value);
  }

  /**
   * Makes a leaf.
   *
   * @throws TypeError if `data` is not a number or is NaN.
   */
  constructor(data: number, options?: ValueOptions);
  /** @internal An op's result, made by {@link result} without the checks a user's leaf needs. */
  constructor(data: number, options: typeof RESULT, op: Op, a: Value, b: Value);
  /** @internal A store's leaf: its data, grad and pass are the store's, behind accessors that writing them here would call too early. */
  constructor(data: number, options: typeof STORED);
  constructor(data: number, options?: ValueOptions | typeof RESULT | typeof STORED, op: Op = LEAF, a?: Value, b?: Value) {
    let label = "";
    if (options === STORED) {
      this.label = label;
      this._op = op;
      this._a = this;
      this._b = this;
      this._mark = undefined;
      return;
    }
    if (options !== RESULT) {
      if (typeof data !== "number" || Number.isNaN(data)) {
        throw new TypeError(`new Value(data): data must be a number, got ${describe(data)}`);
      }
      const given: unknown = options?.label ?? "";
      if (typeof given !== "string") {
        throw new TypeError(`new Value(data, { label }): label must be a string, got ${describe(given)}`);
      }
      label = given;
    }
    this.data = data;
    this.grad = 0;
    this.label = label;
    this._op = op;
    this._a = a ?? this;
    this._b = b ?? this;
    this._mark = undefined;
    this._pass = undefined;
  }

  /** @internal Operands of an n-ary op (`sum`'s values, `dot`'s first vector), kept in `_a`. */
  get _args(): readonly Value[] {
    return this._a as unknown as readonly Value[];
  }

  /** @internal The second operand list of an n-ary op (`dot`'s second vector; empty for the others), kept in `_b`. */
  get _args2(): readonly Value[] {
    return this._b as unknown as readonly Value[];
  }

  /** The name of the op that produced this Value (`"+"`, `"tanh"`, `"**2"`…), `""` for a leaf. */
  get op(): string {
    return this._op.name;
  }

  /** The operands this Value was computed from, in order (empty for a leaf). A new array each call. */
  get children(): Value[] {
    switch (this._op.arity) {
      case 0:
        return [];
      case 1:
        return [this._a];
      case 2:
        return [this._a, this._b];
      default:
        return [...this._args, ...this._args2];
    }
  }

  /** `this + other`. */
  add(other: Value | number): Value {
    const b = operand(other, "Value.add(other): other");
    return result(this.data + b.data, ADD, this, b);
  }

  /** `this - other`. */
  sub(other: Value | number): Value {
    const b = operand(other, "Value.sub(other): other");
    return result(this.data - b.data, SUB, this, b);
  }

  /** `this * other`. */
  mul(other: Value | number): Value {
    const b = operand(other, "Value.mul(other): other");
    return result(this.data * b.data, MUL, this, b);
  }

  /** `this / other` (IEEE semantics: dividing by 0 gives ±Infinity or NaN, as in PyTorch). */
  div(other: Value | number): Value {
    const b = operand(other, "Value.div(other): other");
    return result(this.data / b.data, DIV, this, b);
  }

  /**
   * `this ** exponent`: a constant exponent (one op `**k`), or a Value, whose gradient is then
   * `this ** exponent · log(this)` — PyTorch's `pow(Tensor, Tensor)`, 0 where `this` is 0 and the
   * exponent ≥ 0.
   *
   * @throws TypeError if `exponent` is neither a Value nor a finite number.
   */
  pow(exponent: number | Value): Value {
    if (isValue(exponent)) return ruled(POW, this, exponent);
    if (typeof exponent !== "number" || !Number.isFinite(exponent)) {
      throw new TypeError(`Value.pow(exponent): exponent must be a finite number or a Value, got ${describe(exponent)}`);
    }
    return result(this.data ** exponent, powOp(exponent), this, this);
  }

  /** `k - this`, for a number (or Value) on the left: `2 - x` is `x.rsub(2)`. */
  rsub(k: Value | number): Value {
    return operand(k, "Value.rsub(k): k").sub(this);
  }

  /** `k / this`, for a number (or Value) on the left: `1 / x` is `x.rdiv(1)`. */
  rdiv(k: Value | number): Value {
    return operand(k, "Value.rdiv(k): k").div(this);
  }

  /** `-this`. */
  neg(): Value {
    return result(-this.data, NEG, this, this);
  }

  /** `e ** this`; overflows to Infinity (never NaN) above ~709.78. */
  exp(): Value {
    return result(Math.exp(this.data), EXP, this, this);
  }

  /** Natural logarithm: `log(0)` is -Infinity and a negative input gives NaN, as in PyTorch. */
  log(): Value {
    return result(Math.log(this.data), LOG, this, this);
  }

  /** Hyperbolic tangent, finite for every input (±1 far from 0). */
  tanh(): Value {
    return result(Math.tanh(this.data), TANH, this, this);
  }

  /**
   * `max(0, this)` as PyTorch computes it: its gradient is 0 where `this ≤ 0` (so relu'(0) = 0),
   * relu(-0) is -0, and NaN passes through, gradient included.
   */
  relu(): Value {
    return result(reluForward(this.data), RELU, this, this);
  }

  /**
   * `log(1 + e^this)`, PyTorch's `F.softplus` (beta 1, threshold 20): finite for every finite
   * input (`this` itself above 20, where the rest is below float precision), with gradient
   * `sigmoid(this)` computed as PyTorch does.
   */
  softplus(): Value {
    return result(softplusForward(this.data), SOFTPLUS, this, this);
  }

  /** Logistic sigmoid `1 / (1 + e^-this)`, finite for every input (0 or 1 far from 0). */
  sigmoid(): Value {
    return result(sigmoidForward(this.data), SIGMOID, this, this);
  }

  /**
   * A new leaf holding this Value's number, with no operands: what is computed from it sends no
   * gradient back into this Value's graph — PyTorch's `detach()`. Its label is kept.
   *
   * @example
   * const target = prediction.detach(); // a number to compare against, not a path for gradients
   */
  detach(): Value {
    const leaf = leafOf(this.data);
    leaf.label = this.label;
    return leaf;
  }

  /** `|this|`; its gradient is the sign, 0 at 0 (PyTorch's `abs`). */
  abs(): Value {
    return ruled(ABS, this, this);
  }

  /** `√this` (NaN below 0); gradient `1 / (2√this)`. */
  sqrt(): Value {
    return ruled(SQRT, this, this);
  }

  /** `sin(this)`. */
  sin(): Value {
    return ruled(SIN, this, this);
  }

  /** `cos(this)`. */
  cos(): Value {
    return ruled(COS, this, this);
  }

  /** `log(1 + this)`, exact where `this` is tiny (where `this.add(1).log()` rounds it away). */
  log1p(): Value {
    return ruled(LOG1P, this, this);
  }

  /** `e^this - 1`, exact where `this` is tiny. */
  expm1(): Value {
    return ruled(EXPM1, this, this);
  }

  /** SiLU (swish), `this · sigmoid(this)`, as PyTorch's `F.silu`. */
  silu(): Value {
    return ruled(SILU, this, this);
  }

  /**
   * GELU, as PyTorch's `F.gelu`: exact, `x·Φ(x)` with an error function of our own (within 4 ulps
   * of PyTorch's gelu at the fixture points), or with `{ approximate: "tanh" }` its tanh
   * approximation.
   *
   * @throws TypeError if `approximate` is not "none" or "tanh".
   */
  gelu(options: { approximate?: "none" | "tanh" } = {}): Value {
    const approximate: unknown = options.approximate ?? "none";
    if (approximate !== "none" && approximate !== "tanh") {
      throw new TypeError(`Value.gelu({ approximate }): approximate must be "none" or "tanh", got ${describe(approximate)}`);
    }
    return ruled(approximate === "tanh" ? GELU_TANH : GELU, this, this);
  }

  /**
   * Leaky ReLU, `this` above 0 and `slope · this` below, as PyTorch's `F.leaky_relu`: at 0 the
   * gradient is the slope.
   *
   * @throws TypeError if `slope` is not a finite number.
   */
  leakyRelu(slope = 0.01): Value {
    if (typeof slope !== "number" || !Number.isFinite(slope)) throw new TypeError(`Value.leakyRelu(slope): slope must be a finite number, got ${describe(slope)}`);
    return ruled(leakyReluOp(slope), this, this);
  }

  /**
   * `this` held within [min, max], as PyTorch's `clamp`: the gradient passes on the closed
   * interval, nothing outside it; with min > max every value becomes max (PyTorch too).
   *
   * @throws TypeError if `min` or `max` is not a number (±Infinity is fine), or is NaN.
   */
  clamp(min: number, max: number): Value {
    for (const [name, bound] of [["min", min], ["max", max]] as const) {
      if (typeof bound !== "number" || Number.isNaN(bound)) throw new TypeError(`Value.clamp(min, max): ${name} must be a number, got ${describe(bound)}`);
    }
    return ruled(clampOp(min, max), this, this);
  }

  /** The larger of `this` and `other` (NaN if either is); a tie splits the gradient in halves, as PyTorch's `maximum`. */
  max(other: Value | number): Value {
    return ruled(MAX, this, operand(other, "Value.max(other): other"));
  }

  /** The smaller of `this` and `other` (NaN if either is); a tie splits the gradient in halves, as PyTorch's `minimum`. */
  min(other: Value | number): Value {
    return ruled(MIN, this, operand(other, "Value.min(other): other"));
  }

  /** @internal The result of the {@link Rule} op `op` on this Value (and `other`, for an op of two operands). */
  _rule(op: Op, other: Value = this): Value {
    return ruled(op, this, other);
  }

  /**
   * Back-propagates from this Value: adds `seed` (1 by default, PyTorch's `gradient` argument)
   * to its grad and `seed·∂this/∂v` to the grad of every Value `v` it was computed from, in
   * reverse topological order.
   *
   * As in PyTorch, leaves accumulate (call {@link zeroGrad} between training steps): the pass's
   * contributions to a leaf are summed first and the sum is added to its `grad`, as PyTorch's
   * AccumulateGrad does. The grads of intermediate Values are recomputed from scratch on each call. Graphs of millions of
   * nodes do not overflow the stack: past a depth of 1,000 the walk keeps its own stack.
   *
   * @example
   * const loss = w.mul(3).sub(1).pow(2);
   * loss.backward();
   */
  backward(seed = 1): void {
    if (typeof seed !== "number" || Number.isNaN(seed)) throw new TypeError(`Value.backward(seed): seed must be a number, got ${describe(seed)}`);
    const pass = startBackward(this, false, seed);
    try {
      if (anomaly.enabled) backwardChecked(pass.order);
      else for (let i = pass.order.length - 1; i >= 0; i--) passBack(pass.order[i] as Value);
    } finally {
      finishBackward(pass);
    }
  }

  /** `Value(data=…, grad=…)`, as micrograd prints it. */
  toString(): string {
    return `Value(data=${this.data}, grad=${this.grad})`;
  }

  /**
   * What `JSON.stringify` writes for a Value: its number, its grad, its label and the op that
   * made it (`""` for a leaf) — not the graph behind it, which is circular.
   *
   * @example
   * JSON.stringify(new Value(2).mul(3)); // '{"data":6,"grad":0,"label":"","op":"*"}'
   */
  toJSON(): { data: number; grad: number; label: string; op: string } {
    return { data: this.data, grad: this.grad, label: this.label, op: this.op };
  }

  /**
   * How Node's `console.log` and `util.inspect` show a Value: `Value(data=6, grad=0, op="*")`,
   * with its label when it has one — not its internals, whose operands point back at the graph.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    const label = this.label === "" ? "" : `, label=${JSON.stringify(this.label)}`;
    const op = this.op === "" ? "" : `, op=${JSON.stringify(this.op)}`;
    return `Value(data=${this.data}, grad=${this.grad}${op}${label})`;
  }
}

Object.defineProperty(Value.prototype, VALUE_BRAND, { value: PROTOCOL });

/**
 * Whether `value` is a Value from any compatible copy of `@micrograd/engine` (see
 * {@link Value} — `instanceof Value` gives the same answer).
 *
 * @throws TypeError if `value` is a Value from an incompatible copy, saying how to dedupe.
 */
export function isValue(value: unknown): value is Value {
  // The common case, a Value of this or a compatible copy, with the brand read inline.
  if (typeof value === "object" && value !== null && (value as { [VALUE_BRAND]?: unknown })[VALUE_BRAND] === PROTOCOL) return true;
  return checkBrand(value, VALUE_BRAND, "Value");
}

/**
 * @internal The Value an operand stands for: itself, or a constant leaf for a number. `what`
 * names the argument for the error, e.g. `"Value.add(other): other"`, and `index` its entry in a list.
 */
export function operand(x: Value | number, what: string, index = -1): Value {
  if (isValue(x)) return x;
  if (typeof x === "number" && !Number.isNaN(x)) return new Value(x);
  // The message is built only here: operands are converted by the thousand.
  throw new TypeError(`${what}${index >= 0 ? `[${index}]` : ""} must be a Value or a number, got ${describe(x)}`);
}

/**
 * @internal A list's entries as Values (numbers become constants), in a new array: a plain loop,
 * since layers copy their inputs once per row.
 */
export function copyOperands(list: readonly (Value | number)[], what: string): Value[] {
  const out = new Array<Value>(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i] as Value | number;
    out[i] = isValue(v) ? v : operand(v, what, i);
  }
  return out;
}

/** @internal Makes the Value an n-ary op produced from one or two operand lists. */
export function resultOf(data: number, op: Op, args: readonly Value[], args2: readonly Value[] = NO_ARGS): Value {
  return result(data, op, args as unknown as Value, args2 as unknown as Value);
}

/** A leaf made without a user's leaf's checks, so that it may hold NaN: what `detach` and `noGrad` give. */
function leafOf(data: number): Value {
  return new Value(data, RESULT, LEAF, undefined as unknown as Value, undefined as unknown as Value);
}

/** The result of a {@link Rule} op on `a` and `b` (`b` is `a` for an op of one operand). */
function ruled(op: Op, a: Value, b: Value): Value {
  return result((op.rule as Rule).forward(a.data, b.data, op.p ?? 0, op.q ?? 0), op, a, b);
}

/** @internal Makes the Value an op produced; the one place the anomaly check watches forward values. */
export function result(data: number, op: Op, a: Value, b: Value): Value {
  // Inside noGrad, a result is a leaf: the value, and nothing to back-propagate into.
  const out = gradMode.off === 0 ? new Value(data, RESULT, op, a, b) : leafOf(data);
  if (recorder.token !== null) out._pass = recorder.token;
  if (anomaly.enabled && !Number.isFinite(data)) {
    throw new AnomalyError(`${op.name} produced ${data} from (${out.children.join(", ")})`);
  }
  return out;
}

/**
 * The start of every backward pass: the graph's op nodes in topological order (its leaves too with
 * `leaves`), with their grads cleared (leaves keep accumulating, as in PyTorch) and 1 added to
 * the root's.
 */
function startBackward(root: Value, leaves: boolean, seed = 1): Walk {
  const pass = traverse([root], true, leaves);
  // `+=`, not `=`: a leaf that is its own root accumulates like every other leaf (PyTorch too).
  root.grad += seed;
  return pass;
}

/**
 * Ends a backward pass begun by {@link startBackward}: each leaf's grad, which holds this pass's
 * contributions summed, is added to the grad it had before the pass — PyTorch's AccumulateGrad,
 * so that `1e-150·0.5` then `x/x` gives `0.5`, where adding each contribution straight into a
 * running grad gave 0.
 */
function finishBackward(walk: Walk): void {
  if (walk.pass) leavePass(walk.pass);
}

function backwardChecked(order: readonly Value[]): void {
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i] as Value;
    passBack(node);
    node.children.forEach((child, k) => {
      if (!Number.isFinite(child.grad)) {
        throw new AnomalyError(
          `backward of ${node.op} made the grad of its operand ${k} ${child.grad}` +
            ` (operands: ${node.children.join(", ")}; result ${node.toString()})`,
        );
      }
    });
  }
}

/** An operand list of an n-ary node, with the traversal stamp it gets once walked whole. */
type Operands = readonly Value[] & { _mark?: object };

/**
 * Every Value that `root` depends on (itself included), each once, operands before results —
 * the order in which a forward pass computes them. Reverse it for backprop. Any depth: past
 * 1,000 the walk keeps its own stack.
 *
 * @example
 * topologicalOrder(a.mul(b)).map((v) => v.op); // ["", "", "*"]
 */
export function topologicalOrder(root: Value): Value[] {
  return topologicalOrderOf([root]);
}

/** {@link topologicalOrder} of several roots at once: each Value once, operands first. */
export function topologicalOrderOf(roots: readonly Value[]): Value[] {
  return traverse(roots, false, true).order;
}

/**
 * How many Values the last walk listed: the next walk's array starts that long. A training loop
 * walks graphs of one size, and an array grown one push at a time allocated three times its
 * size — a fifth of a graph-mode step's garbage. After a large walk, a small one allocates at
 * most one array as large as the large one.
 */
let sizeHint = 0;

/**
 * {@link topologicalOrderOf}, clearing op nodes' grads on the way when `zeroOps` is set, and
 * leaving the leaves out without `leaves` (a backward pass has nothing to do at a leaf).
 */
function traverse(roots: readonly Value[], zeroOps: boolean, leaves: boolean): Walk {
  const walk: Walk = { mark: {}, order: new Array<Value>(sizeHint), count: 0, zeroOps, leaves, pass: zeroOps ? joinPass() : null };
  for (const root of roots) {
    if (root._mark === walk.mark) continue;
    root._mark = walk.mark;
    if (root._op.arity !== 0) visit(root, walk, 0);
    else reachLeaf(root, walk);
  }
  walk.order.length = sizeHint = walk.count;
  return walk;
}

/**
 * A leaf reached by a walk: listed if the walk lists leaves; in a backward pass, its grad set
 * aside (and zeroed) so that the pass's contributions are summed apart (see {@link finishBackward}).
 */
function reachLeaf(leaf: Value, walk: Walk): void {
  if (walk.leaves) walk.order[walk.count++] = leaf;
  if (walk.pass) walk.pass.hold(leaf);
}

/**
 * One traversal: its stamp, where it writes the order and how much it has written, whether it
 * is a backward pass's (clearing op nodes' grads, setting leaves' aside in `pass`) and whether
 * it lists leaves.
 */
interface Walk {
  readonly mark: object;
  readonly order: Value[];
  count: number;
  readonly zeroOps: boolean;
  readonly leaves: boolean;
  readonly pass: LeafPass | null;
}

/**
 * How deep {@link visit} recurses before it hands a subtree to {@link visitDeep}: recursion is
 * about twice as fast as an explicit stack, but a chain of a million ops would overflow it.
 */
const MAX_RECURSION = 1000;

/**
 * Depth-first from the op node `node` (already stamped), appending each Value to `order` after
 * its operands. With `zeroOps`, it also clears the grad of every op node it appends — the first
 * step of a backward pass, done here to save a second walk over the graph.
 */
function visit(node: Value, walk: Walk, depth: number): void {
  const mark = walk.mark;
  const arity = node._op.arity;
  if (arity < 0) {
    // Operand lists are shared (a Vector of weights by every row, of inputs by every neuron of a
    // layer) and never change: once a list has been walked in this traversal, skip it whole.
    const first = node._args as Operands;
    const second = node._args2 as Operands;
    if (first._mark !== mark) {
      for (let i = 0; i < first.length; i++) visitOperand(first[i] as Value, walk, depth);
      first._mark = mark;
    }
    if (second._mark !== mark) {
      for (let i = 0; i < second.length; i++) visitOperand(second[i] as Value, walk, depth);
      second._mark = mark;
    }
  } else {
    visitOperand(node._a, walk, depth);
    if (arity === 2) visitOperand(node._b, walk, depth);
  }
  if (walk.zeroOps) node.grad = 0;
  walk.order[walk.count++] = node;
}

/** {@link visit}'s step to one operand: a leaf is appended at once, an op node walked first. */
function visitOperand(c: Value, walk: Walk, depth: number): void {
  if (c._mark === walk.mark) return;
  c._mark = walk.mark;
  if (c._op.arity === 0) reachLeaf(c, walk);
  else if (depth < MAX_RECURSION) visit(c, walk, depth + 1);
  else visitDeep(c, walk);
}

/**
 * {@link visit} without recursion, for subtrees too deep for the call stack: an explicit stack of
 * (node, index of the next operand to visit) from the op node `start`, in the same order.
 */
function visitDeep(start: Value, walk: Walk): void {
  const { mark, order, zeroOps } = walk;
  let written = walk.count;
  const nodes: Value[] = [start];
  const next: number[] = [0];
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const node = nodes[top] as Value;
    const arity = node._op.arity;
    // A unary or binary op's operands are `_a`, `_b`; an n-ary op's, its two lists end to end.
    const first = (arity < 0 ? node._args : NO_ARGS) as Operands;
    const second = (arity < 0 ? node._args2 : NO_ARGS) as Operands;
    const count = arity < 0 ? first.length + second.length : arity;
    let i = next[top] as number;
    let child: Value | undefined;
    // Operand lists are shared (a Vector of weights by every row, of inputs by every neuron of a
    // layer) and never change: once a list has been walked in this traversal, skip it whole.
    if (arity < 0 && i === 0 && first._mark === mark) i = first.length;
    // The next operand not yet visited; a leaf needs no stack entry of its own.
    while (i < count) {
      if (arity < 0 && i === first.length) {
        first._mark = mark;
        if (second._mark === mark) {
          i = count;
          break;
        }
      }
      const c = (arity < 0 ? (i < first.length ? first[i] : second[i - first.length]) : i === 0 ? node._a : node._b) as Value;
      i++;
      if (c._mark === mark) continue;
      c._mark = mark;
      if (c._op.arity !== 0) {
        child = c;
        break;
      }
      walk.count = written;
      reachLeaf(c, walk);
      written = walk.count;
    }
    if (arity < 0 && i === count) {
      first._mark = mark;
      second._mark = mark;
    }
    if (child) {
      next[top] = i;
      nodes.push(child);
      next.push(0);
    } else {
      nodes.pop();
      next.pop();
      if (zeroOps && arity !== 0) node.grad = 0;
      order[written++] = node;
    }
  }
  walk.count = written;
}

/**
 * Sets the grad of every given Value to 0 — call it before each training step's `backward()`,
 * since leaves accumulate.
 *
 * @example
 * zeroGrad(model.parameters());
 */
export function zeroGrad(values: Iterable<Value>): void {
  for (const v of values) v.grad = 0;
}

/** One node's share of a backward pass, as {@link backwardSteps} reports it. */
export interface BackwardStep {
  /** The node whose grad is passed on to its operands in this step. */
  node: Value;
  /** Its position in `topologicalOrder(root)` (so also its id `v<index>` in `@micrograd/viz`). */
  index: number;
  /** For each distinct operand: ∂node/∂operand, and `node.grad × local` added to its grad. */
  contributions: { child: Value; local: number; added: number }[];
}

/**
 * `root.backward()` one node at a time, for teaching: the first call sets the grads as
 * `backward()` does, then each step back-propagates through one more node, in reverse
 * topological order, and says what it added. Running it to the end gives `backward()`'s grads.
 * As in `backward()`, the leaves sum this pass's contributions apart: while it steps, a leaf's
 * grad shows the pass's share so far, and the grad it had before is added back when the walk
 * ends (or is left with `return()`, as a `for…of` with `break` does).
 *
 * @example
 * for (const { node, contributions } of backwardSteps(o)) console.log(node.op, contributions);
 */
export function* backwardSteps(root: Value): Generator<BackwardStep, void, undefined> {
  const pass = startBackward(root, true);
  const order = pass.order;
  try {
    yield* stepsOf(order);
  } finally {
    finishBackward(pass);
  }
}

/** The steps of a backward pass over `order`, last node first (see {@link backwardSteps}). */
function* stepsOf(order: readonly Value[]): Generator<BackwardStep, void, undefined> {
  for (let index = order.length - 1; index >= 0; index--) {
    const node = order[index] as Value;
    if (node._op.arity === 0) continue;
    const children = [...new Set(node.children)];
    const before = children.map((c) => c.grad);
    // The local derivatives come from the op's own backward rule, run once with out.grad = 1.
    const grad = node.grad;
    children.forEach((c) => (c.grad = 0));
    node.grad = 1;
    passBack(node);
    const locals = children.map((c) => c.grad);
    children.forEach((c, i) => (c.grad = before[i] as number));
    node.grad = grad;
    passBack(node);
    yield {
      node,
      index,
      contributions: children.map((child, i) => ({ child, local: locals[i] as number, added: child.grad - (before[i] as number) })),
    };
  }
}
