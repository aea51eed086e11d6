import { ShapeError } from "./errors.js";
import { OpCode } from "./ops.js";
import { Value, topologicalOrderOf } from "./value.js";

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
  private readonly data: Float64Array;
  private readonly grad: Float64Array;

  /** @internal Use {@link compile}. */
  constructor(inputs: readonly Value[], outputs: readonly Value[]) {
    const order = topologicalOrderOf(outputs);
    const inputSet = new Set(inputs);
    this.leaves = order.filter((v) => v.op === "" && !inputSet.has(v));
    const ops = order.filter((v) => v.op !== "");
    const nodes = [...inputs, ...this.leaves, ...ops];
    const slot = new Map(nodes.map((v, i) => [v, i]));
    const at = (v: Value) => slot.get(v) as number;
    const n = nodes.length;
    this.inputCount = inputs.length;
    this.firstOp = n - ops.length;
    this.outputSlots = Int32Array.from(outputs, at);
    this.code = new Uint8Array(n);
    this.a = new Int32Array(n);
    this.b = new Int32Array(n);
    this.argStart = new Int32Array(n);
    this.argEnd = new Int32Array(n);
    this.exponent = new Float64Array(n);
    this.data = new Float64Array(n);
    this.grad = new Float64Array(n);
    const args: number[] = [];
    for (const v of ops) {
      const i = at(v);
      this.code[i] = v._op.code;
      this.exponent[i] = v._op.exponent;
      if (v._op.arity < 0) {
        this.argStart[i] = args.length;
        for (const arg of v._args) args.push(at(arg));
        for (const arg of v._args2) args.push(at(arg));
        this.argEnd[i] = args.length;
      } else {
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
  run(inputs: ArrayLike<number> = []): this {
    if (inputs.length !== this.inputCount) {
      throw new ShapeError(`CompiledGraph.run: the graph was recorded with ${this.inputCount} inputs, got ${inputs.length}`);
    }
    const { data, leaves, code, a, b, args, argStart, argEnd, exponent } = this;
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
        case OpCode.Dot: {
          const start = argStart[i] as number;
          const half = ((argEnd[i] as number) - start) / 2;
          let total = 0;
          for (let j = start; j < start + half; j++) total += (data[args[j] as number] as number) * (data[args[j + half] as number] as number);
          data[i] = total;
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
    const { data, grad, leaves, code, a, b, args, argStart, argEnd, exponent } = this;
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
        case OpCode.Dot: {
          const start = argStart[i] as number;
          const half = ((argEnd[i] as number) - start) / 2;
          for (let j = start; j < start + half; j++) {
            const x = args[j] as number;
            const y = args[j + half] as number;
            grad[x]! += g * (data[y] as number);
            grad[y]! += g * (data[x] as number);
          }
          break;
        }
      }
    }
    const offset = this.inputCount;
    for (let i = 0; i < leaves.length; i++) (leaves[i] as Value).grad += grad[offset + i] as number;
  }

  /** ∂output₀/∂input `i` from the last `backward`. */
  inputGrad(i: number): number {
    if (!(i >= 0 && i < this.inputCount)) throw new RangeError(`CompiledGraph.inputGrad: there are ${this.inputCount} inputs, asked for ${i}`);
    return this.grad[i] as number;
  }
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
