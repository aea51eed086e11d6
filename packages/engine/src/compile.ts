import { ShapeError } from "./errors.js";
import { OpCode } from "./ops.js";
import { Value, topologicalOrderOf } from "./value.js";

/** The default of `run()`, shared so that a replay allocates nothing. */
const NO_INPUTS: ArrayLike<number> = Object.freeze([]);

/** The instruction of a fused neuron: `activation(dot(…) + bias)`; beyond the engine's op codes. */
const FUSED_NEURON = 100;
const ACT_NONE = 0;
const ACT_RELU = 1;
const ACT_TANH = 2;
const ACT_SIGMOID = 3;
const ACTIVATION_OF: Partial<Record<number, number>> = { [OpCode.Relu]: ACT_RELU, [OpCode.Tanh]: ACT_TANH, [OpCode.Sigmoid]: ACT_SIGMOID };

/** A fused neuron's activation of `z`, with the same formulas as the ops. */
function activate(kind: number, z: number): number {
  if (kind === ACT_RELU) return Math.max(0, z);
  if (kind === ACT_TANH) return Math.tanh(z);
  if (kind === ACT_SIGMOID) return 1 / (1 + Math.exp(-z));
  return z;
}

/** The gradient `g` takes back through a fused neuron's activation, from its output `r`, as the ops compute it. */
function activationBackward(kind: number, r: number, g: number): number {
  if (kind === ACT_RELU) return r > 0 ? g : 0;
  if (kind === ACT_TANH) return g * (1 - r * r);
  if (kind === ACT_SIGMOID) return g * (1 - r) * r;
  return g;
}

/**
 * A computation recorded once by {@link compile} and replayed over typed arrays: forward and
 * backward allocate nothing, and run several times faster than building the graph anew.
 *
 * Leaves that the computation closed over (a model's parameters) stay ordinary Values:
 * {@link CompiledGraph.run} reads their current `data`, {@link CompiledGraph.backward} adds into
 * their `grad` — so an optimizer works on them unchanged. Results are read with
 * {@link CompiledGraph.output}; the Values made while recording are not updated.
 */
export class CompiledGraph {
  /** How many inputs `run` expects. */
  readonly inputCount: number;
  private readonly leaves: Value[];
  private readonly outputSlots: Int32Array;
  private readonly firstOp: number;
  private readonly code: Uint8Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly argStart: Int32Array;
  private readonly argEnd: Int32Array;
  private readonly args: Int32Array;
  private readonly exponent: Float64Array;
  /** For fused neurons: the activation applied after `dot + bias` (one of the ACT_ codes). */
  private readonly act: Uint8Array;
  /** For dots: the first slot of each operand list when its slots are consecutive, else -1. */
  private readonly xBase: Int32Array;
  private readonly yBase: Int32Array;
  /** For dots and fused neurons: the value before the activation, kept for the backward pass. */
  private readonly pre: Float64Array;
  private readonly data: Float64Array;
  private readonly grad: Float64Array;

  /** @internal Use {@link compile}. */
  constructor(inputs: readonly Value[], outputs: readonly Value[]) {
    const order = topologicalOrderOf(outputs);
    const inputSet = new Set(inputs);
    this.leaves = order.filter((v) => v.op === "" && !inputSet.has(v));
    const neurons = findNeurons(order, outputs);
    // Only what is computed gets a slot, so a layer's outputs (like a neuron's weights) sit side by side.
    const ops = order.filter((v) => v.op !== "" && !neurons.absorbed.has(v));
    const nodes = [...inputs, ...this.leaves, ...ops];
    const slot = new Map(nodes.map((v, i) => [v, i]));
    const at = (v: Value) => slot.get(v) as number;
    const n = nodes.length;
    this.inputCount = inputs.length;
    this.firstOp = n - ops.length;
    this.outputSlots = Int32Array.from(outputs, at);
    this.code = new Uint8Array(n);
    this.act = new Uint8Array(n);
    this.a = new Int32Array(n);
    this.b = new Int32Array(n);
    this.argStart = new Int32Array(n);
    this.argEnd = new Int32Array(n);
    this.xBase = new Int32Array(n).fill(-1);
    this.yBase = new Int32Array(n).fill(-1);
    this.exponent = new Float64Array(n);
    this.pre = new Float64Array(n);
    this.data = new Float64Array(n);
    this.grad = new Float64Array(n);
    const args: number[] = [];
    /** Records the operand lists of a dot; a list of consecutive slots is also kept as its first slot. */
    const operands = (i: number, xs: readonly Value[], ys: readonly Value[]) => {
      this.argStart[i] = args.length;
      for (const list of [xs, ys]) {
        const first = args.length;
        for (const v of list) args.push(at(v));
        const consecutive = list.length > 0 && args.slice(first).every((s, k) => s === (args[first] as number) + k);
        if (consecutive) (list === xs ? this.xBase : this.yBase)[i] = args[first] as number;
      }
      this.argEnd[i] = args.length;
    };
    for (const v of ops) {
      const i = at(v);
      const neuron = neurons.at.get(v);
      if (neuron) {
        this.code[i] = FUSED_NEURON;
        this.act[i] = neuron.activation;
        this.a[i] = at(neuron.bias);
        operands(i, neuron.dot._args, neuron.dot._args2);
        continue;
      }
      this.code[i] = v._op.code;
      this.exponent[i] = v._op.exponent;
      if (v._op.arity < 0) operands(i, v._args, v._args2);
      else {
        this.a[i] = at(v._a);
        this.b[i] = v._op.arity === 2 ? at(v._b) : 0;
      }
    }
    this.args = Int32Array.from(args);
    nodes.forEach((v, i) => (this.data[i] = v.data));
  }

  /** How many outputs the recorded computation returned. */
  get outputCount(): number {
    return this.outputSlots.length;
  }

  /**
   * Replays the forward pass: takes `inputs` (as many as were recorded) and the current `data`
   * of every leaf Value, and recomputes every node.
   *
   * @throws ShapeError if `inputs` has a different length from the recorded inputs.
   */
  run(inputs: ArrayLike<number> = NO_INPUTS): this {
    if (inputs.length !== this.inputCount) {
      throw new ShapeError(`CompiledGraph.run: the graph was recorded with ${this.inputCount} inputs, got ${inputs.length}`);
    }
    const { data, leaves, code, a, b, args, argStart, argEnd, exponent, act, pre } = this;
    for (let i = 0; i < inputs.length; i++) data[i] = inputs[i] as number;
    const offset = this.inputCount;
    for (let i = 0; i < leaves.length; i++) data[offset + i] = (leaves[i] as Value).data;
    for (let i = this.firstOp; i < data.length; i++) {
      const x = data[a[i] as number] as number;
      const y = data[b[i] as number] as number;
      switch (code[i]) {
        case OpCode.Add: data[i] = x + y; break;
        case OpCode.Sub: data[i] = x - y; break;
        case OpCode.Mul: data[i] = x * y; break;
        case OpCode.Div: data[i] = x / y; break;
        case OpCode.Neg: data[i] = -x; break;
        case OpCode.Exp: data[i] = Math.exp(x); break;
        case OpCode.Log: data[i] = Math.log(x); break;
        case OpCode.Tanh: data[i] = Math.tanh(x); break;
        case OpCode.Sigmoid: data[i] = 1 / (1 + Math.exp(-x)); break;
        case OpCode.Relu: data[i] = Math.max(0, x); break;
        case OpCode.Pow: data[i] = x ** (exponent[i] as number); break;
        case OpCode.Sum: {
          let total = 0;
          for (let j = argStart[i] as number; j < (argEnd[i] as number); j++) total += data[args[j] as number] as number;
          data[i] = total;
          break;
        }
        case OpCode.Dot:
          data[i] = pre[i] = this.dotAt(i);
          break;
        case FUSED_NEURON: {
          const z = (pre[i] = this.dotAt(i) + x);
          data[i] = activate(act[i] as number, z);
          break;
        }
      }
    }
    return this;
  }

  /** The value of output `k` (default 0) after the last `run`. */
  output(k = 0): number {
    const s = this.outputSlots[k];
    if (s === undefined) throw new RangeError(`CompiledGraph.output: there are ${this.outputCount} outputs, asked for ${k}`);
    return this.data[s] as number;
  }

  /**
   * Back-propagates from output 0 with the values of the last `run`, exactly as
   * `Value.backward` does: leaf Values accumulate into their `grad`.
   */
  backward(): void {
    const { data, grad, leaves, code, a, b, args, argStart, argEnd, exponent, act, pre } = this;
    grad.fill(0);
    grad[this.outputSlots[0] as number] = 1;
    // The same local derivatives as ops.ts, in PyTorch's formulas, on array slots.
    for (let i = data.length - 1; i >= this.firstOp; i--) {
      const g = grad[i] as number;
      const ai = a[i] as number;
      const bi = b[i] as number;
      switch (code[i]) {
        case OpCode.Add: grad[ai]! += g; grad[bi]! += g; break;
        case OpCode.Sub: grad[ai]! += g; grad[bi]! += -g; break;
        case OpCode.Mul: grad[ai]! += g * (data[bi] as number); grad[bi]! += g * (data[ai] as number); break;
        case OpCode.Div: {
          const x = data[ai] as number;
          const y = data[bi] as number;
          grad[ai]! += g / y;
          grad[bi]! += -g * (x / y / y);
          break;
        }
        case OpCode.Neg: grad[ai]! += -g; break;
        case OpCode.Exp: grad[ai]! += g * (data[i] as number); break;
        case OpCode.Log: grad[ai]! += g / (data[ai] as number); break;
        case OpCode.Tanh: grad[ai]! += g * (1 - (data[i] as number) * (data[i] as number)); break;
        case OpCode.Sigmoid: grad[ai]! += g * (1 - (data[i] as number)) * (data[i] as number); break;
        case OpCode.Relu: if ((data[i] as number) > 0) grad[ai]! += g; break;
        case OpCode.Pow: {
          const k = exponent[i] as number;
          if (k !== 0) grad[ai]! += g * (k * (data[ai] as number) ** (k - 1));
          break;
        }
        case OpCode.Sum:
          for (let j = argStart[i] as number; j < (argEnd[i] as number); j++) grad[args[j] as number]! += g;
          break;
        case OpCode.Dot:
          if (!passesNothing(g, pre[i] as number)) this.dotBackward(i, g);
          break;
        case FUSED_NEURON: {
          // The activation's, the +'s and the dot's backward rules in turn, as graph mode applies them.
          const gz = activationBackward(act[i] as number, data[i] as number, g);
          if (passesNothing(gz, pre[i] as number)) break;
          grad[ai]! += gz;
          this.dotBackward(i, gz);
          break;
        }
      }
    }
    const offset = this.inputCount;
    for (let i = 0; i < leaves.length; i++) (leaves[i] as Value).grad += grad[offset + i] as number;
  }

  /** `Σ x·y` of the dot at slot `i`, reading consecutive slots directly when it can. */
  private dotAt(i: number): number {
    const { data, args } = this;
    const start = this.argStart[i] as number;
    const half = ((this.argEnd[i] as number) - start) / 2;
    const xb = this.xBase[i] as number;
    const yb = this.yBase[i] as number;
    let total = 0;
    if (xb >= 0 && yb >= 0) {
      for (let k = 0; k < half; k++) total += (data[xb + k] as number) * (data[yb + k] as number);
    } else {
      for (let j = start; j < start + half; j++) total += (data[args[j] as number] as number) * (data[args[j + half] as number] as number);
    }
    return total;
  }

  /** The dot's backward: `g·y` into each x's grad and `g·x` into each y's, in graph mode's order. */
  private dotBackward(i: number, g: number): void {
    const { data, grad, args } = this;
    const start = this.argStart[i] as number;
    const half = ((this.argEnd[i] as number) - start) / 2;
    const xb = this.xBase[i] as number;
    const yb = this.yBase[i] as number;
    if (xb >= 0 && yb >= 0 && (xb + half <= yb || yb + half <= xb)) {
      // Disjoint runs of slots: no slot is both an x and a y, so each update reads what graph mode reads.
      for (let k = 0; k < half; k++) {
        grad[xb + k]! += g * (data[yb + k] as number);
        grad[yb + k]! += g * (data[xb + k] as number);
      }
      return;
    }
    for (let j = start; j < start + half; j++) {
      const x = args[j] as number;
      const y = args[j + half] as number;
      grad[x]! += g * (data[y] as number);
      grad[y]! += g * (data[x] as number);
    }
  }

  /** ∂output₀/∂input `i` from the last `backward`. */
  inputGrad(i: number): number {
    if (!(i >= 0 && i < this.inputCount)) throw new RangeError(`CompiledGraph.inputGrad: there are ${this.inputCount} inputs, asked for ${i}`);
    return this.grad[i] as number;
  }
}

/**
 * Whether a dot (or neuron) with incoming gradient `g` and pre-activation `z` would only add
 * zeros: `g` is 0 and `z` is finite, so every factor in it is finite and each `0·x` is ±0 —
 * which leaves a grad unchanged. The same skip as a hand-written loop's, with graph mode's
 * results to the bit (a non-finite `z` still runs, to spread NaN as graph mode does).
 */
function passesNothing(g: number, z: number): boolean {
  return g === 0 && z - z === 0;
}

/** A neuron fused into one instruction at its last node: `activation(dot + bias)`. */
interface Neuron {
  dot: Value;
  bias: Value;
  activation: number;
}

/**
 * Finds each neuron's chain `dot → + bias → activation` whose `dot` and `+` feed nothing else
 * and are not outputs, so it can run as one instruction — a third of the dispatches, with the
 * same float operations in the same order. A linear neuron (`dot + bias`) fuses at its `+`.
 */
function findNeurons(order: readonly Value[], outputs: readonly Value[]): { at: Map<Value, Neuron>; absorbed: Set<Value> } {
  const uses = new Map<Value, number>();
  const use = (v: Value) => uses.set(v, (uses.get(v) ?? 0) + 1);
  outputs.forEach(use);
  for (const v of order) v.children.forEach(use);
  const single = (v: Value) => uses.get(v) === 1;
  // `dot + bias`, where the dot feeds nothing else.
  const affine = (v: Value) => v._op.code === OpCode.Add && v._a._op.code === OpCode.Dot && single(v._a);
  const at = new Map<Value, Neuron>();
  const absorbed = new Set<Value>();
  for (const v of order) {
    const activation = ACTIVATION_OF[v._op.code];
    if (activation !== undefined && affine(v._a) && single(v._a)) {
      at.set(v, { dot: v._a._a, bias: v._a._b, activation });
      absorbed.add(v._a).add(v._a._a);
    }
  }
  for (const v of order) {
    if (!absorbed.has(v) && affine(v)) {
      at.set(v, { dot: v._a, bias: v._b, activation: ACT_NONE });
      absorbed.add(v._a);
    }
  }
  return { at, absorbed };
}

/**
 * Records `build` once — called with one leaf per entry of `inputs` — and returns a
 * {@link CompiledGraph} that replays it over typed arrays.
 *
 * A recording is one path through the code: if `build` branches on a value (an `if` on
 * `x.data`, a loop whose length depends on the data, a class index chosen from a target), the
 * replay keeps the branch taken while recording. Only the input count can be checked at replay
 * (a different count throws). Record again when the structure changes.
 *
 * @example
 * const step = compile(([x, y]) => model.forward([x!, y!])[0]!, [0.5, -1]);
 * step.run([0.2, 0.3]).output(); // the model's output at (0.2, 0.3)
 * step.backward();               // model parameters' grads, as with Value.backward
 */
export function compile(build: (inputs: Value[]) => Value | readonly Value[], inputs: readonly number[] = []): CompiledGraph {
  const leaves = inputs.map((x) => new Value(x));
  const result = build(leaves);
  const outputs = result instanceof Value ? [result] : result;
  if (outputs.length === 0) throw new ShapeError("compile: build returned no Values");
  return new CompiledGraph(leaves, outputs);
}
