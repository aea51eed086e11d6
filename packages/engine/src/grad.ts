import { describe } from "./errors.js";
import { ShapeError } from "./shape-error.js";
import { BCE_EPSILON, OpCode, SOFTPLUS_THRESHOLD } from "./ops.js";
import type { Rule } from "./ops.js";
import { noGrad } from "./no-grad.js";
import { Value, isValue, operand, topologicalOrderOf } from "./value.js";

/** Options of {@link grad}. */
export interface GradOptions {
  /**
   * The gradient each output passes back (PyTorch's `grad_outputs`), one per output; 1 for each
   * by default. With several outputs, their gradients add up, as for `Σ seedₖ·outputₖ`.
   */
  seeds?: readonly (Value | number)[];
  /**
   * Record the gradients' own computation, so that they are Values that can be differentiated
   * again (second derivatives, Hessian-vector products) — PyTorch's `create_graph=True`. Without
   * it, the gradients are leaves holding the numbers.
   */
  createGraph?: boolean;
  /** Give 0 for an input that the outputs do not depend on, instead of throwing (PyTorch's `allow_unused`, with 0 for None). */
  allowUnused?: boolean;
}

/**
 * The gradients of `outputs` with respect to `inputs`, as Values — PyTorch's
 * `torch.autograd.grad`. Unlike {@link Value.backward}, it leaves every `.grad` alone; inputs
 * may be leaves or any Value the outputs were computed from. The numbers are `backward()`'s to
 * the bit: each op's derivative is the same formula, computed with Values.
 *
 * With `{ createGraph: true }` the gradients are differentiable: `grad` of a gradient is a second
 * derivative, and `grad` of `Σ vᵢ·∂f/∂wᵢ` a Hessian-vector product.
 *
 * @throws TypeError for outputs, inputs or seeds that are not Values (seeds may be numbers);
 *   ShapeError if there are no outputs or inputs, or seeds do not match the outputs; Error if an
 *   input is not used by the outputs and `allowUnused` is not set.
 * @example
 * const x = new Value(3);
 * const y = x.pow(3);                               // x³
 * const dy = grad(y, x, { createGraph: true });     // 3x² = 27
 * const d2y = grad(dy, x);                          // 6x = 18
 */
export function grad(outputs: Value | readonly Value[], inputs: Value, options?: GradOptions): Value;
export function grad(outputs: Value | readonly Value[], inputs: readonly Value[], options?: GradOptions): Value[];
export function grad(outputs: Value | readonly Value[], inputs: Value | readonly Value[], options: GradOptions = {}): Value | Value[] {
  const outs = listOf(outputs, "outputs");
  const ins = listOf(inputs, "inputs");
  const { createGraph, allowUnused } = checkOptions(options);
  const seeds = seedsOf(options.seeds, outs.length);
  const run = () => gradients(outs, ins, seeds, allowUnused);
  const result = createGraph ? run() : noGrad(run);
  return isValue(inputs) ? (result[0] as Value) : result;
}

const OPTIONS = ["seeds", "createGraph", "allowUnused"];

/** The options, checked: a misspelt key (`create_graph`) or a flag that is not a boolean is an error, never a silent default. */
function checkOptions(options: GradOptions): { createGraph: boolean; allowUnused: boolean } {
  const given: unknown = options;
  if (typeof given !== "object" || given === null || Array.isArray(given)) throw new TypeError(`grad(outputs, inputs, options): options must be an object like { createGraph: true }, got ${describe(given)}`);
  for (const key of Object.keys(given)) {
    if (!OPTIONS.includes(key)) throw new TypeError(`grad(outputs, inputs, options): unknown option ${JSON.stringify(key)}; grad takes ${OPTIONS.join(", ")}`);
  }
  const flag = (name: "createGraph" | "allowUnused"): boolean => {
    const value: unknown = options[name] ?? false;
    if (typeof value !== "boolean") throw new TypeError(`grad(outputs, inputs, { ${name} }): ${name} must be true or false, got ${describe(value)}`);
    return value;
  };
  return { createGraph: flag("createGraph"), allowUnused: flag("allowUnused") };
}

/** The Values of `outputs` or `inputs`, checked. */
function listOf(given: Value | readonly Value[], name: string): readonly Value[] {
  const list: unknown = isValue(given) ? [given] : given;
  if (!Array.isArray(list)) throw new TypeError(`grad(outputs, inputs): ${name} must be a Value or an array of Values, got ${describe(list)}`);
  if (list.length === 0) throw new ShapeError(`grad(outputs, inputs): ${name} must not be empty`);
  list.forEach((v: unknown, i) => {
    if (!isValue(v)) throw new TypeError(`grad(outputs, inputs): ${name}[${i}] must be a Value, got ${describe(v)}`);
  });
  return list as readonly Value[];
}

/** The seeds as Values, one per output. */
function seedsOf(seeds: readonly (Value | number)[] | undefined, count: number): Value[] {
  if (seeds === undefined) return Array.from({ length: count }, () => new Value(1));
  const given: unknown = seeds;
  if (!Array.isArray(given)) throw new TypeError(`grad(outputs, inputs, { seeds }): seeds must be an array, got ${describe(given)}`);
  if (seeds.length !== count) throw new ShapeError(`grad(outputs, inputs, { seeds }): there are ${count} outputs but ${seeds.length} seeds`);
  return seeds.map((s, i) => operand(s, "grad(outputs, inputs, { seeds }): seeds", i));
}

/**
 * The backward pass of `Value.backward`, with Values: each node's gradient is the sum of what its
 * results pass it, in the same reverse topological order, so every sum is the same number. Only
 * the nodes that lead to an input are walked.
 */
function gradients(outputs: readonly Value[], inputs: readonly Value[], seeds: readonly Value[], allowUnused: boolean): Value[] {
  const order = topologicalOrderOf(outputs);
  const wanted = new Set(inputs);
  const leads = new Set<Value>();
  for (const v of order) if (wanted.has(v) || v.children.some((c) => leads.has(c))) leads.add(v);
  const sums = new Map<Value, Value>();
  const add = (child: Value, contribution: Value | null) => {
    if (contribution === null || !leads.has(child)) return;
    const sum = sums.get(child);
    sums.set(child, sum === undefined ? contribution : sum.add(contribution));
  };
  outputs.forEach((o, k) => add(o, seeds[k] as Value));
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i] as Value;
    if (node.op === "" || !leads.has(node)) continue;
    // A node nothing passed to still passes back a zero, as in backward() (where 0·∞ is NaN).
    passBackValues(node, sums.get(node) ?? new Value(0), add);
  }
  return inputs.map((input, i) => {
    if (!leads.has(input) && !allowUnused) {
      throw new Error(`grad(outputs, inputs): inputs[${i}] (${String(input)}) is not used by the outputs; pass { allowUnused: true } to get 0 for it`);
    }
    const sum = sums.get(input) ?? new Value(0);
    // backward() sums onto +0, which turns a -0 sum into +0.
    return Object.is(sum.data, -0) ? sum.add(0) : sum;
  });
}

/**
 * `passBack` (ops.ts) with Values: what `node` passes to each operand for gradient `g`, in the
 * same order and with the same operations, given to `add` (null where nothing passes).
 */
function passBackValues(node: Value, g: Value, add: (child: Value, contribution: Value | null) => void): void {
  const a = node._a;
  const b = node._b;
  const op = node._op;
  switch (op.code) {
    case OpCode.Add:
      add(a, g);
      add(b, g);
      return;
    case OpCode.Sub:
      add(a, g);
      add(b, g.neg());
      return;
    case OpCode.Mul:
      add(a, g.mul(b));
      add(b, g.mul(a));
      return;
    case OpCode.Div:
      add(a, g.div(b));
      add(b, g.neg().mul(a.div(b).div(b)));
      return;
    case OpCode.Neg:
      add(a, g.neg());
      return;
    case OpCode.Exp:
      add(a, g.mul(node));
      return;
    case OpCode.Log:
      add(a, g.div(a));
      return;
    case OpCode.Tanh:
      add(a, g.mul(node.rsub(1).mul(node.add(1))));
      return;
    case OpCode.Sigmoid:
      add(a, g.mul(node.rsub(1)).mul(node));
      return;
    case OpCode.Relu:
      if (!(a.data <= 0)) add(a, g);
      return;
    case OpCode.Pow: {
      const k = op.exponent;
      if (k !== 0) add(a, g.mul(a.pow(k - 1).mul(k)));
      return;
    }
    case OpCode.Softplus: {
      if (a.data > SOFTPLUS_THRESHOLD) return add(a, g);
      const z = a.exp();
      add(a, g.mul(z).div(z.add(1)));
      return;
    }
    case OpCode.Sum:
      for (const arg of node._args) add(arg, g);
      return;
    case OpCode.Dot: {
      const xs = node._args;
      const ys = node._args2;
      for (let i = 0; i < xs.length; i++) {
        add(xs[i] as Value, g.mul(ys[i] as Value));
        add(ys[i] as Value, g.mul(xs[i] as Value));
      }
      return;
    }
    case OpCode.LogSumExp:
      for (const arg of node._args) add(arg, g.mul(arg.sub(node).exp()));
      return;
    case OpCode.Bce:
      add(a, g.mul(a.sub(b)).div(a.rsub(1).mul(a).max(BCE_EPSILON)));
      add(b, a.div(a.rsub(1)).log().neg().mul(g));
      return;
    case OpCode.BceWithLogits:
      add(a, a.sigmoid().sub(b).mul(g));
      add(b, a.neg().mul(g));
      return;
    case OpCode.Rule: {
      const rule = op.rule as Rule;
      const p = op.p ?? 0;
      const q = op.q ?? 0;
      add(a, rule.vjpA(a, b, node, g, p, q));
      if (op.arity === 2) add(b, (rule.vjpB as NonNullable<Rule["vjpB"]>)(a, b, node, g, p, q));
      return;
    }
    default:
      throw new Error(`grad: the op ${JSON.stringify(op.name)} has no backward with Values (a Value from another copy of @micrograd/engine?)`);
  }
}
