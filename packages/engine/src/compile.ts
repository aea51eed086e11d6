import { anomaly } from "./anomaly.js";
import { AnomalyError, ShapeError, describe } from "./errors.js";
import type { Op, Rule } from "./ops.js";
import { OpCode, bceBackward, bceForward, bceTargetBackward, bceWithLogitsBackward, bceWithLogitsForward, bceWithLogitsTargetBackward, logSumExpShift, reluForward, softplusBackward, softplusForward, tanhBackward } from "./ops.js";
import { sharedPass } from "./pass.js";
import { Value, isValue, topologicalOrderOf } from "./value.js";

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
  if (kind === ACT_RELU) return reluForward(z);
  if (kind === ACT_TANH) return Math.tanh(z);
  if (kind === ACT_SIGMOID) return 1 / (1 + Math.exp(-z));
  return z;
}

/**
 * The grad that reaches a fused neuron's `dot + bias` from `g` at its output `r` (input `z`),
 * as the ops compute it. The `0 +` is graph mode's accumulation into the fresh grad of the `+`
 * node (it turns -0 into +0), so that even signed zeros match.
 */
function activationBackward(kind: number, z: number, r: number, g: number): number {
  if (kind === ACT_RELU) return z <= 0 ? 0 : 0 + g;
  if (kind === ACT_TANH) return 0 + tanhBackward(r, g);
  if (kind === ACT_SIGMOID) return 0 + g * (1 - r) * r;
  return g;
}

/**
 * Whether a dot (or neuron) with incoming gradient `g` and pre-activation `z` would only add
 * zeros: `g` is 0 and `z` is finite, so every factor in it is finite and each `0·x` is ±0 —
 * which leaves a grad unchanged, since a pass's grads start at +0 and so are never -0. The
 * same skip as a hand-written loop's; a non-finite `z` still runs, to spread NaN as graph mode
 * does.
 */
function passesNothing(g: number, z: number): boolean {
  return g === 0 && z - z === 0;
}

/** Where an instruction writes (`o`) and reads its operands (`ai`, `bi`) in row 0, and how far each moves per row. */
interface Slots {
  o: number;
  so: number;
  ai: number;
  sa: number;
  bi: number;
  sb: number;
}

/**
 * A computation recorded once by {@link compile} and replayed over typed arrays: forward and
 * backward allocate nothing once V8 has optimised them for the program at hand (a test measures
 * under 16 bytes a replay; in a process that has pushed every kind of op through the same replay
 * code, V8's generic paths box numbers instead: 10 KB a replay measured), and run
 * several times faster than building the graph anew.
 *
 * Leaves that the computation closed over (a model's parameters) stay ordinary Values:
 * {@link CompiledGraph.run} reads their current `data`, {@link CompiledGraph.backward} adds into
 * their `grad` — so an optimizer works on them unchanged. Results are read with
 * {@link CompiledGraph.output}; the Values made while recording are not updated.
 *
 * One recording also serves a whole batch: {@link CompiledGraph.runBatch} replays it for many
 * rows of inputs at once (each instruction loops over the rows), and
 * {@link CompiledGraph.backwardBatch} back-propagates every row's output 0 into the leaves —
 * exactly, to the bit, what graph mode gives for one graph holding all the rows.
 */
export class CompiledGraph {
  /** How many inputs `run` expects. */
  readonly inputCount: number;
  private readonly leaves: Value[];
  /** Instructions in topological order (slot numbers), and per slot: */
  private readonly program: Int32Array;
  private readonly code: Uint8Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly argStart: Int32Array;
  private readonly argEnd: Int32Array;
  private readonly args: Int32Array;
  private readonly exponent: Float64Array;
  /** The op of each instruction defined by a {@link Rule} (abs, gelu, clamp, max…), whose value and derivatives it carries. */
  private readonly rules: (Op | undefined)[];
  /** For fused neurons: the activation applied after `dot + bias` (one of the ACT_ codes). */
  private readonly act: Uint8Array;
  /** For dots: the address of the first operand of each list when the list is consecutive, else -1. */
  private readonly xBase: Int32Array;
  private readonly yBase: Int32Array;
  /** Whether slot i is needed by output 0, so backward runs through it. */
  private readonly live: Uint8Array;
  /** Each instruction's {@link Slots}, and each fused neuron's operands (see `neuronOperands`), made once. */
  private readonly slotInfo: Slots[];
  private readonly neuronInfo: (ReturnType<CompiledGraph["neuronOperands"]> | null)[];
  /**
   * For fused neurons: whether backward may take four rows at once — one operand list shared by
   * every row (the weights), the other one per row, and a bias that is not among the weights.
   */
  private readonly blockable: Uint8Array;
  /**
   * Where slot i lives: row r of it is at `addr[i] + r·stride[i]`. Leaves are the same for every
   * row (stride 0, packed first); inputs and ops have one value per row (stride = `rowSize`), so
   * each row's slots lie side by side — a row's dot reads its inputs consecutively.
   */
  private readonly addr: Int32Array;
  private readonly stride: Int32Array;
  private readonly rowSize: number;
  private readonly uniformSize: number;
  private readonly outputSlots: Int32Array;
  /**
   * Whether every leaf is read by at most one instruction: then backward may run instruction by
   * instruction over all rows and still add into each leaf in graph mode's order (row by row,
   * last row first). Otherwise it runs row by row, last first.
   */
  private readonly instructionMajor: boolean;
  private capacity = 0;
  private rows = 0;
  private data = new Float64Array(0);
  private grad = new Float64Array(0);
  /** For dots and fused neurons: the value before the activation, kept for the backward pass. */
  private pre = new Float64Array(0);

  /** @internal Use {@link compile}. */
  constructor(inputs: readonly Value[], outputs: readonly Value[]) {
    const order = topologicalOrderOf(outputs);
    const inputSet = new Set(inputs);
    this.leaves = order.filter((v) => v.op === "" && !inputSet.has(v));
    const neurons = findNeurons(order, outputs);
    const ops = order.filter((v) => v.op !== "" && !neurons.absorbed.has(v));
    const nodes = [...this.leaves, ...inputs, ...ops];
    const slot = new Map(nodes.map((v, i) => [v, i]));
    const at = (v: Value) => slot.get(v) as number;
    const n = nodes.length;
    this.inputCount = inputs.length;
    this.uniformSize = this.leaves.length;
    this.rowSize = n - this.uniformSize;
    this.addr = Int32Array.from(nodes, (_, i) => i);
    this.stride = Int32Array.from(nodes, (_, i) => (i < this.uniformSize ? 0 : this.rowSize));
    this.program = Int32Array.from(ops, at);
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
    this.rules = new Array<Op | undefined>(n);
    const args: number[] = [];
    const reads = new Int32Array(n);
    /** Records a list of operand slots; a list of consecutive addresses with one stride also keeps its first address. */
    const list = (values: readonly Value[]): number => {
      const first = args.length;
      for (const v of values) args.push(at(v));
      const slots = args.slice(first);
      const s0 = slots[0];
      const consecutive = s0 !== undefined && slots.every((s, k) => s === s0 + k && this.stride[s] === this.stride[s0]);
      return consecutive ? s0 : -1;
    };
    const operands = (i: number, xs: readonly Value[], ys: readonly Value[]) => {
      this.argStart[i] = args.length;
      this.xBase[i] = list(xs);
      this.yBase[i] = list(ys);
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
      } else {
        this.code[i] = v._op.code;
        this.exponent[i] = v._op.exponent;
        if (v._op.rule) this.rules[i] = v._op;
        if (v._op.arity < 0) operands(i, v._args, v._args2);
        else {
          this.a[i] = at(v._a);
          this.b[i] = at(v._op.arity === 2 ? v._b : v._a);
        }
      }
      const read = new Set<number>(v._op.arity < 0 || neuron ? args.slice(this.argStart[i], this.argEnd[i]) : [this.a[i] as number, this.b[i] as number]);
      if (neuron) read.add(this.a[i] as number);
      for (const s of read) reads[s]! += 1;
    }
    this.args = Int32Array.from(args);
    this.blockable = new Uint8Array(n);
    for (const v of ops) {
      const i = at(v);
      const xs = this.xBase[i] as number;
      const ys = this.yBase[i] as number;
      if (this.code[i] !== FUSED_NEURON || xs < 0 || ys < 0 || (this.stride[xs] === 0) === (this.stride[ys] === 0)) continue;
      const weights = this.stride[xs] === 0 ? xs : ys;
      const bias = this.a[i] as number;
      const half = ((this.argEnd[i] as number) - (this.argStart[i] as number)) >> 1;
      this.blockable[i] = this.stride[bias] !== 0 || bias < weights || bias >= weights + half ? 1 : 0;
    }
    this.instructionMajor = this.leaves.every((_, s) => (reads[s] as number) <= 1);
    this.live = new Uint8Array(n);
    const root = this.outputSlots[0] as number;
    const live = new Set(topologicalOrderOf([outputs[0] as Value]));
    nodes.forEach((v, i) => (this.live[i] = live.has(v) ? 1 : 0));
    this.live[root] = 1;
    // Where each instruction reads and writes, worked out once: a replay then allocates nothing.
    this.slotInfo = Array.from({ length: n }, (_, i) => this.slots(i));
    this.neuronInfo = Array.from({ length: n }, (_, i) => (this.code[i] === FUSED_NEURON && (this.xBase[i] as number) >= 0 && (this.yBase[i] as number) >= 0 ? this.neuronOperands(i) : null));
    this.ensureCapacity(1);
    nodes.forEach((v, i) => (this.data[i] = v.data));
  }

  /** How many outputs the recorded computation returned. */
  get outputCount(): number {
    return this.outputSlots.length;
  }

  /**
   * Replays the forward pass for one row: takes `inputs` (as many as were recorded) and the
   * current `data` of every leaf Value, and recomputes every node.
   *
   * @throws TypeError if `inputs` is not a list of numbers; ShapeError if its length differs from the recorded inputs.
   */
  run(inputs: ArrayLike<number> = NO_INPUTS): this {
    this.checkInputs(inputs, 1, "run");
    this.load(inputs, 1);
    this.forward(1);
    return this;
  }

  /**
   * Replays the forward pass for `rows` rows at once: `inputs` holds the rows one after
   * another (`rows × inputCount` numbers, row-major). Leaf Values are read once, for all rows.
   *
   * @throws TypeError or ShapeError for inputs that do not fit the recording.
   * @example
   * step.runBatch(Float64Array.of(0.1, 0.2, 0.3, 0.4), 2); // two rows of two inputs
   * step.outputAt(0, 1); // output 0 of the second row
   */
  runBatch(inputs: ArrayLike<number>, rows: number): this {
    if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`CompiledGraph.runBatch: rows must be an integer ≥ 1, got ${describe(rows)}`);
    this.checkInputs(inputs, rows, "runBatch");
    this.ensureCapacity(rows);
    this.load(inputs, rows);
    this.forward(rows);
    return this;
  }

  /** The value of output `k` (default 0) after the last `run` (row 0 after a `runBatch`). */
  output(k = 0): number {
    return this.outputAt(k, 0);
  }

  /** The value of output `k` of row `row` after the last `runBatch`. */
  outputAt(k: number, row: number): number {
    const s = this.outputSlots[k];
    if (s === undefined) throw new RangeError(`CompiledGraph.output: there are ${this.outputCount} outputs, asked for ${describe(k)}`);
    this.checkRow(row, "outputAt");
    return this.data[(this.addr[s] as number) + row * (this.stride[s] as number)] as number;
  }

  /**
   * Output `k` of every row of the last run, written into `into` (a new array if none is given;
   * it must hold at least as many numbers as there were rows).
   */
  outputColumn(k: number, into: Float64Array = new Float64Array(this.rows)): Float64Array {
    const s = this.outputSlots[k];
    if (s === undefined) throw new RangeError(`CompiledGraph.outputColumn: there are ${this.outputCount} outputs, asked for ${describe(k)}`);
    if (into.length < this.rows) throw new ShapeError(`CompiledGraph.outputColumn: the last run had ${this.rows} rows, into holds ${into.length}`);
    const at = this.addr[s] as number;
    const step = this.stride[s] as number;
    for (let r = 0; r < this.rows; r++) into[r] = this.data[at + r * step] as number;
    return into;
  }

  /**
   * Back-propagates from output 0 with the values of the last `run`, exactly as
   * `Value.backward` does: leaf Values accumulate into their `grad`, in graph mode's order, and
   * only through what output 0 depends on.
   *
   * @throws Error if nothing has been run yet.
   */
  backward(): void {
    this.backwardRows(1, null, "backward");
  }

  /**
   * Back-propagates from output 0 of every row of the last `runBatch`, row `r` seeded with
   * `seeds[r]` (or 1 for every row): what `Value.backward` gives on one graph whose root passes
   * `seeds[r]` to each row's output 0 — e.g. the sum of the rows' losses, whose gradient is 1
   * for each. Leaf Values accumulate into their `grad` in graph mode's order, to the bit.
   *
   * @throws Error if nothing has been run yet; ShapeError if `seeds` has the wrong length.
   */
  backwardBatch(seeds?: ArrayLike<number>): void {
    if (seeds !== undefined && seeds.length !== this.rows) {
      throw new ShapeError(`CompiledGraph.backwardBatch: the last runBatch had ${this.rows} rows, got ${seeds.length} seeds`);
    }
    this.backwardRows(this.rows, seeds ?? null, "backwardBatch");
  }

  /** ∂output₀/∂input `i` from the last `backward` (row 0 after a `backwardBatch`). */
  inputGrad(i: number): number {
    return this.inputGradAt(i, 0);
  }

  /** ∂(row's output₀)/∂input `i` of row `row` from the last `backwardBatch`. */
  inputGradAt(i: number, row: number): number {
    if (!(Number.isInteger(i) && i >= 0 && i < this.inputCount)) {
      throw new RangeError(`CompiledGraph.inputGrad: there are ${this.inputCount} inputs, asked for ${describe(i)}`);
    }
    this.checkRow(row, "inputGradAt");
    const s = this.uniformSize + i;
    return this.grad[(this.addr[s] as number) + row * (this.stride[s] as number)] as number;
  }

  private checkRow(row: number, method: string): void {
    if (!(Number.isInteger(row) && row >= 0 && row < Math.max(this.rows, 1))) {
      throw new RangeError(`CompiledGraph.${method}: the last run had ${this.rows} rows, asked for row ${describe(row)}`);
    }
  }

  private checkInputs(inputs: ArrayLike<number>, rows: number, method: string): void {
    const given: unknown = inputs;
    if (typeof given !== "object" || given === null || typeof (given as { length?: unknown }).length !== "number") {
      throw new TypeError(`CompiledGraph.${method}(inputs): inputs must be an array of numbers, got ${describe(given)}`);
    }
    if (inputs.length !== rows * this.inputCount) {
      const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
      const takes = method === "run" ? count(this.inputCount, "number") : `${count(rows, "row")} × ${this.inputCount} = ${count(rows * this.inputCount, "number")}`;
      throw new ShapeError(`CompiledGraph.${method}: the graph was recorded with ${count(this.inputCount, "input")}, so it takes ${takes}; got ${inputs.length}`);
    }
    // What `new Value(x)` refuses for a leaf of graph mode, a replay refuses for an input.
    for (let j = 0; j < inputs.length; j++) {
      const x: unknown = inputs[j];
      if (typeof x !== "number" || Number.isNaN(x)) throw new TypeError(`CompiledGraph.${method}(inputs): inputs[${j}] must be a number, got ${describe(x)}`);
    }
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    const size = this.uniformSize + rows * this.rowSize;
    this.data = new Float64Array(size);
    this.grad = new Float64Array(size);
    this.pre = new Float64Array(size);
    this.capacity = rows;
  }

  /** Copies the leaves' current values and the rows' inputs into place. */
  private load(inputs: ArrayLike<number>, rows: number): void {
    const { data, leaves, uniformSize, rowSize, inputCount } = this;
    for (let i = 0; i < leaves.length; i++) data[i] = (leaves[i] as Value).data;
    for (let r = 0; r < rows; r++) {
      const row = uniformSize + r * rowSize;
      for (let j = 0; j < inputCount; j++) data[row + j] = inputs[r * inputCount + j] as number;
    }
    this.rows = rows;
  }

  /** Runs every instruction over rows 0…rows-1, instruction by instruction. */
  private forward(rows: number): void {
    const { program } = this;
    for (let p = 0; p < program.length; p++) this.forwardInstruction(program[p] as number, rows);
    if (anomaly.enabled) this.checkForward(rows);
  }

  private forwardInstruction(i: number, rows: number): void {
    const { data, code } = this;
    const { o, so, ai, sa, bi, sb } = this.slotInfo[i] as Slots;
    // The common instructions get a loop of their own over the rows; the rest share one.
    switch (code[i]) {
      case FUSED_NEURON:
        if ((this.xBase[i] as number) >= 0 && (this.yBase[i] as number) >= 0) this.neuronForward(i, rows);
        else this.forwardRows(i, rows);
        return;
      case OpCode.Add:
        for (let r = 0; r < rows; r++) data[o + r * so] = (data[ai + r * sa] as number) + (data[bi + r * sb] as number);
        return;
      case OpCode.Mul:
        for (let r = 0; r < rows; r++) data[o + r * so] = (data[ai + r * sa] as number) * (data[bi + r * sb] as number);
        return;
      case OpCode.Neg:
        for (let r = 0; r < rows; r++) data[o + r * so] = -(data[ai + r * sa] as number);
        return;
      case OpCode.Relu:
        for (let r = 0; r < rows; r++) data[o + r * so] = reluForward(data[ai + r * sa] as number);
        return;
      default:
        this.forwardRows(i, rows);
    }
  }

  /**
   * Where instruction `i` writes (`o`) and reads its operands (`ai`, `bi`) in row 0, and how far
   * each moves per row (0 for a value shared by every row).
   */
  private slots(i: number): Slots {
    const { addr, stride, a, b } = this;
    const first = a[i] as number;
    const second = b[i] as number;
    return { o: addr[i] as number, so: stride[i] as number, ai: addr[first] as number, sa: stride[first] as number, bi: addr[second] as number, sb: stride[second] as number };
  }

  /** Any instruction, row by row. */
  private forwardRows(i: number, rows: number): void {
    const { data, pre, code, exponent } = this;
    const { o, so, ai, sa, bi, sb } = this.slotInfo[i] as Slots;
    const c = code[i];
    for (let r = 0; r < rows; r++) {
      const x = data[ai + r * sa] as number;
      const y = data[bi + r * sb] as number;
      const out = o + r * so;
      switch (c) {
        case OpCode.Add: data[out] = x + y; break;
        case OpCode.Sub: data[out] = x - y; break;
        case OpCode.Mul: data[out] = x * y; break;
        case OpCode.Div: data[out] = x / y; break;
        case OpCode.Neg: data[out] = -x; break;
        case OpCode.Exp: data[out] = Math.exp(x); break;
        case OpCode.Log: data[out] = Math.log(x); break;
        case OpCode.Tanh: data[out] = Math.tanh(x); break;
        case OpCode.Sigmoid: data[out] = 1 / (1 + Math.exp(-x)); break;
        case OpCode.Relu: data[out] = reluForward(x); break;
        case OpCode.Pow: data[out] = x ** (exponent[i] as number); break;
        case OpCode.Softplus: data[out] = softplusForward(x); break;
        case OpCode.Bce:
          // What `bce` refuses in graph mode, a replay refuses too, with the same words.
          if (x < 0 || x > 1) throw new RangeError(`bce(p, y): p must lie in [0, 1], got ${x} (compiled replay, row ${r})`);
          if (y < 0 || y > 1) throw new RangeError(`bce(p, y): y must lie in [0, 1], got ${y} (compiled replay, row ${r})`);
          data[out] = bceForward(x, y);
          break;
        case OpCode.BceWithLogits:
          if (y < 0 || y > 1) throw new RangeError(`bceWithLogits(z, y): y must lie in [0, 1], got ${y} (compiled replay, row ${r})`);
          data[out] = bceWithLogitsForward(x, y);
          break;
        case OpCode.Rule: {
          const op = this.rules[i] as Op;
          data[out] = (op.rule as Rule).forward(x, y, op.p ?? 0, op.q ?? 0);
          break;
        }
        case OpCode.Sum: data[out] = this.sumAt(i, r); break;
        case OpCode.LogSumExp: data[out] = this.logSumExpAt(i, r); break;
        case OpCode.Dot: data[out] = pre[out] = this.dotAt(i, r); break;
        case FUSED_NEURON: {
          const z = (pre[out] = this.dotAt(i, r) + x);
          data[out] = activate(this.act[i] as number, z);
          break;
        }
      }
    }
  }

  /**
   * A fused neuron whose two operand lists are consecutive, over every row: `Σ x·y` in list
   * order, `+ bias`, the activation — graph mode's operations, in its order, for each row.
   */
  private neuronForward(i: number, rows: number): void {
    const data = this.data;
    const { o, so, bias, biasStride, xa, xst, ya, yst, half, kind, w, v, vst } = this.neuronInfo[i] as NonNullable<(typeof this.neuronInfo)[number]>;
    let r = 0;
    if (xst === 0 || yst === 0) {
      // Weights shared by every row (stride 0) times each row's inputs: four rows per load of a
      // weight. Each row still adds its products in list order, so the sums are graph mode's
      // (and w·x is x·w to the bit: IEEE multiplication commutes).
      for (; r + 4 <= rows; r += 4) {
        const v0 = v + r * vst, v1 = v0 + vst, v2 = v1 + vst, v3 = v2 + vst;
        let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (let k = 0; k < half; k++) {
          const wk = data[w + k] as number;
          t0 += wk * (data[v0 + k] as number);
          t1 += wk * (data[v1 + k] as number);
          t2 += wk * (data[v2 + k] as number);
          t3 += wk * (data[v3 + k] as number);
        }
        this.neuronOut(o + r * so, t0 + (data[bias + r * biasStride] as number), kind);
        this.neuronOut(o + (r + 1) * so, t1 + (data[bias + (r + 1) * biasStride] as number), kind);
        this.neuronOut(o + (r + 2) * so, t2 + (data[bias + (r + 2) * biasStride] as number), kind);
        this.neuronOut(o + (r + 3) * so, t3 + (data[bias + (r + 3) * biasStride] as number), kind);
      }
    }
    for (; r < rows; r++) {
      const x = xa + r * xst;
      const y = ya + r * yst;
      let total = 0;
      for (let k = 0; k < half; k++) total += (data[x + k] as number) * (data[y + k] as number);
      this.neuronOut(o + r * so, total + (data[bias + r * biasStride] as number), kind);
    }
  }

  /**
   * Where fused neuron `i` reads and writes, row 0's addresses and each one's stride per row: its
   * output `o`, its bias, its two consecutive operand lists `x` and `y` (`half` entries each), its
   * activation — and, for a list shared by every row (stride 0), that list as `w` and the other
   * as `v`.
   */
  private neuronOperands(i: number) {
    const { addr, stride } = this;
    const xs = this.xBase[i] as number;
    const ys = this.yBase[i] as number;
    const xa = addr[xs] as number;
    const xst = stride[xs] as number;
    const ya = addr[ys] as number;
    const yst = stride[ys] as number;
    const { o, so, ai: bias, sa: biasStride } = this.slotInfo[i] as Slots;
    return {
      o, so, bias, biasStride,
      xa, xst, ya, yst,
      half: ((this.argEnd[i] as number) - (this.argStart[i] as number)) >> 1,
      kind: this.act[i] as number,
      w: xst === 0 ? xa : ya,
      v: xst === 0 ? ya : xa,
      vst: xst === 0 ? yst : xst,
    };
  }

  /** Stores a neuron's pre-activation `z` and its activation at address `out`. */
  private neuronOut(out: number, z: number, kind: number): void {
    this.pre[out] = z;
    this.data[out] = activate(kind, z);
  }

  private backwardRows(rows: number, seeds: ArrayLike<number> | null, method: string): void {
    if (this.rows === 0 || rows === 0) throw new Error(`CompiledGraph.${method}: call run() (or runBatch()) first`);
    const { grad, leaves, program, live, addr, stride, uniformSize, rowSize } = this;
    // The pass sums its contributions to each leaf apart, from +0 (or from what the other calls
    // of an `onePass` have summed), and adds the sum to the leaf's grad at the end — PyTorch's
    // AccumulateGrad, as graph mode does. Only the leaves output 0 depends on: graph mode's pass
    // never reaches the others. A slot that starts at +0 never becomes -0, so adding a zero
    // never changes one: kernels may skip zero gradients.
    const shared = sharedPass();
    for (let i = 0; i < leaves.length; i++) {
      if (live[i] && shared) shared.hold(leaves[i] as Value);
      grad[i] = live[i] && shared ? (leaves[i] as Value).grad : 0;
    }
    grad.fill(0, uniformSize, uniformSize + rows * rowSize);
    const root = this.outputSlots[0] as number;
    for (let r = 0; r < rows; r++) grad[(addr[root] as number) + r * (stride[root] as number)]! += seeds ? (seeds[r] as number) : 1;
    if (this.instructionMajor) {
      for (let p = program.length - 1; p >= 0; p--) {
        const i = program[p] as number;
        if (live[i]) this.backwardInstruction(i, 0, rows);
      }
    } else {
      for (let r = rows - 1; r >= 0; r--) {
        for (let p = program.length - 1; p >= 0; p--) {
          const i = program[p] as number;
          if (live[i]) this.backwardInstruction(i, r, r + 1);
        }
      }
    }
    try {
      if (anomaly.enabled) this.checkBackward(rows);
    } finally {
      // Even when the check throws, the pass ends as graph mode's does: what it summed is added —
      // to the grad it had (the pass's own), or kept for the end of the shared pass.
      for (let i = 0; i < leaves.length; i++) {
        if (!live[i]) continue;
        const leaf = leaves[i] as Value;
        leaf.grad = shared ? (grad[i] as number) : leaf.grad + (grad[i] as number);
      }
    }
  }

  /** One instruction's backward for rows `lo…hi-1`, last row first (graph mode's order for a leaf). */
  private backwardInstruction(i: number, lo: number, hi: number): void {
    if (this.code[i] === FUSED_NEURON && (this.xBase[i] as number) >= 0 && (this.yBase[i] as number) >= 0) {
      this.neuronBackward(i, lo, hi);
      return;
    }
    const { data, grad, pre, code, exponent } = this;
    const { o, so, ai, sa, bi, sb } = this.slotInfo[i] as Slots;
    const c = code[i];
    // The same local derivatives as ops.ts, in PyTorch's formulas, on array slots.
    for (let r = hi - 1; r >= lo; r--) {
      const out = o + r * so;
      const g = grad[out] as number;
      const ax = ai + r * sa;
      const by = bi + r * sb;
      switch (c) {
        case OpCode.Add: grad[ax]! += g; grad[by]! += g; break;
        case OpCode.Sub: grad[ax]! += g; grad[by]! += -g; break;
        case OpCode.Mul: grad[ax]! += g * (data[by] as number); grad[by]! += g * (data[ax] as number); break;
        case OpCode.Div: {
          const x = data[ax] as number;
          const y = data[by] as number;
          grad[ax]! += g / y;
          grad[by]! += -g * (x / y / y);
          break;
        }
        case OpCode.Neg: grad[ax]! += -g; break;
        case OpCode.Exp: grad[ax]! += g * (data[out] as number); break;
        case OpCode.Log: grad[ax]! += g / (data[ax] as number); break;
        case OpCode.Tanh: grad[ax]! += tanhBackward(data[out] as number, g); break;
        case OpCode.Sigmoid: grad[ax]! += g * (1 - (data[out] as number)) * (data[out] as number); break;
        case OpCode.Relu: if (!((data[ax] as number) <= 0)) grad[ax]! += g; break;
        case OpCode.Pow: {
          const k = exponent[i] as number;
          if (k !== 0) grad[ax]! += g * (k * (data[ax] as number) ** (k - 1));
          break;
        }
        case OpCode.Softplus: grad[ax]! += softplusBackward(data[ax] as number, g); break;
        case OpCode.Bce:
          grad[ax]! += bceBackward(data[ax] as number, data[by] as number, g);
          grad[by]! += bceTargetBackward(data[ax] as number, g);
          break;
        case OpCode.BceWithLogits:
          grad[ax]! += bceWithLogitsBackward(data[ax] as number, data[by] as number, g);
          grad[by]! += bceWithLogitsTargetBackward(data[ax] as number, g);
          break;
        case OpCode.Rule: {
          const op = this.rules[i] as Op;
          const rule = op.rule as Rule;
          const x = data[ax] as number;
          const y = data[by] as number;
          const v = data[out] as number;
          grad[ax]! += rule.gradA(x, y, v, g, op.p ?? 0, op.q ?? 0);
          if (op.arity === 2) grad[by]! += (rule.gradB as NonNullable<Rule["gradB"]>)(x, y, v, g, op.p ?? 0, op.q ?? 0);
          break;
        }
        case OpCode.Sum: this.sumBackward(i, r, g); break;
        case OpCode.LogSumExp: this.logSumExpBackward(i, r, g, data[out] as number); break;
        case OpCode.Dot:
          if (!passesNothing(g, pre[out] as number)) this.dotBackward(i, r, g);
          break;
        case FUSED_NEURON: {
          // The activation's, the +'s and the dot's backward rules in turn, as graph mode applies them.
          const z = pre[out] as number;
          const gz = activationBackward(this.act[i] as number, z, data[out] as number, g);
          if (passesNothing(gz, z)) break;
          grad[ax]! += gz;
          this.dotBackward(i, r, gz);
          break;
        }
      }
    }
  }

  /** A fused neuron's backward over consecutive operand lists, rows `lo…hi-1`, last row first. */
  private neuronBackward(i: number, lo: number, hi: number): void {
    const { data, grad, pre } = this;
    const { o, so, bias, biasStride, xa, xst, ya, yst, half, kind, w, v, vst } = this.neuronInfo[i] as NonNullable<(typeof this.neuronInfo)[number]>;
    let r = hi - 1;
    if (this.blockable[i]) {
      // Four rows at a time, last first: each weight's grad is read and written once per four
      // rows but still takes their terms one by one in graph mode's order (row 4, 3, 2, 1), and
      // each row's input grads take theirs as before. A row that passes nothing adds ±0 times
      // finite numbers, which changes no grad (none is -0 here), so it simply runs along.
      for (; r - 3 >= lo; r -= 4) {
        const o3 = o + r * so, o2 = o3 - so, o1 = o2 - so, o0 = o1 - so;
        const z3 = pre[o3] as number, z2 = pre[o2] as number, z1 = pre[o1] as number, z0 = pre[o0] as number;
        const g3 = activationBackward(kind, z3, data[o3] as number, grad[o3] as number);
        const g2 = activationBackward(kind, z2, data[o2] as number, grad[o2] as number);
        const g1 = activationBackward(kind, z1, data[o1] as number, grad[o1] as number);
        const g0 = activationBackward(kind, z0, data[o0] as number, grad[o0] as number);
        if (passesNothing(g3, z3) && passesNothing(g2, z2) && passesNothing(g1, z1) && passesNothing(g0, z0)) continue;
        grad[bias + r * biasStride]! += g3;
        grad[bias + (r - 1) * biasStride]! += g2;
        grad[bias + (r - 2) * biasStride]! += g1;
        grad[bias + (r - 3) * biasStride]! += g0;
        const v3 = v + r * vst, v2 = v3 - vst, v1 = v2 - vst, v0 = v1 - vst;
        for (let k = 0; k < half; k++) {
          const wk = data[w + k] as number;
          let acc = grad[w + k] as number;
          acc += g3 * (data[v3 + k] as number);
          grad[v3 + k]! += g3 * wk;
          acc += g2 * (data[v2 + k] as number);
          grad[v2 + k]! += g2 * wk;
          acc += g1 * (data[v1 + k] as number);
          grad[v1 + k]! += g1 * wk;
          acc += g0 * (data[v0 + k] as number);
          grad[v0 + k]! += g0 * wk;
          grad[w + k] = acc;
        }
      }
    }
    for (; r >= lo; r--) {
      const out = o + r * so;
      const z = pre[out] as number;
      // The activation's, the +'s and the dot's backward rules in turn, as graph mode applies them.
      const gz = activationBackward(kind, z, data[out] as number, grad[out] as number);
      if (passesNothing(gz, z)) continue;
      grad[bias + r * biasStride]! += gz;
      const x = xa + r * xst;
      const y = ya + r * yst;
      for (let k = 0; k < half; k++) {
        grad[x + k]! += gz * (data[y + k] as number);
        grad[y + k]! += gz * (data[x + k] as number);
      }
    }
  }

  /** The address of operand `j` (an index into `args`) in row `r`. */
  private argAt(j: number, r: number): number {
    const s = this.args[j] as number;
    return (this.addr[s] as number) + r * (this.stride[s] as number);
  }

  private sumAt(i: number, r: number): number {
    let total = 0;
    for (let j = this.argStart[i] as number; j < (this.argEnd[i] as number); j++) total += this.data[this.argAt(j, r)] as number;
    return total;
  }

  private sumBackward(i: number, r: number, g: number): void {
    for (let j = this.argStart[i] as number; j < (this.argEnd[i] as number); j++) this.grad[this.argAt(j, r)]! += g;
  }

  /** PyTorch's logsumexp of the operands in row `r`, with the same steps as `logsumexp` in nary.ts. */
  private logSumExpAt(i: number, r: number): number {
    const { data } = this;
    const start = this.argStart[i] as number;
    const end = this.argEnd[i] as number;
    let max = -Infinity;
    for (let j = start; j < end; j++) {
      const v = data[this.argAt(j, r)] as number;
      max = v > max || Number.isNaN(v) ? v : max;
    }
    const shift = logSumExpShift(max);
    let total = 0;
    for (let j = start; j < end; j++) total += Math.exp((data[this.argAt(j, r)] as number) - shift);
    return Math.log(total) + shift;
  }

  private logSumExpBackward(i: number, r: number, g: number, result: number): void {
    for (let j = this.argStart[i] as number; j < (this.argEnd[i] as number); j++) {
      const at = this.argAt(j, r);
      this.grad[at]! += g * Math.exp((this.data[at] as number) - result);
    }
  }

  /** `Σ x·y` of the dot at slot `i` in row `r`, reading consecutive operands directly when it can. */
  private dotAt(i: number, r: number): number {
    const { data } = this;
    const start = this.argStart[i] as number;
    const half = ((this.argEnd[i] as number) - start) >> 1;
    const xs = this.xBase[i] as number;
    const ys = this.yBase[i] as number;
    let total = 0;
    if (xs >= 0 && ys >= 0) {
      const x = (this.addr[xs] as number) + r * (this.stride[xs] as number);
      const y = (this.addr[ys] as number) + r * (this.stride[ys] as number);
      for (let k = 0; k < half; k++) total += (data[x + k] as number) * (data[y + k] as number);
    } else {
      for (let j = start; j < start + half; j++) total += (data[this.argAt(j, r)] as number) * (data[this.argAt(j + half, r)] as number);
    }
    return total;
  }

  /** The dot's backward in row `r`: `g·y` into each x's grad and `g·x` into each y's, in graph mode's order. */
  private dotBackward(i: number, r: number, g: number): void {
    const { data, grad } = this;
    const start = this.argStart[i] as number;
    const half = ((this.argEnd[i] as number) - start) >> 1;
    const xs = this.xBase[i] as number;
    const ys = this.yBase[i] as number;
    if (xs >= 0 && ys >= 0) {
      const x = (this.addr[xs] as number) + r * (this.stride[xs] as number);
      const y = (this.addr[ys] as number) + r * (this.stride[ys] as number);
      for (let k = 0; k < half; k++) {
        grad[x + k]! += g * (data[y + k] as number);
        grad[y + k]! += g * (data[x + k] as number);
      }
      return;
    }
    for (let j = start; j < start + half; j++) {
      const x = this.argAt(j, r);
      const y = this.argAt(j + half, r);
      grad[x]! += g * (data[y] as number);
      grad[y]! += g * (data[x] as number);
    }
  }

  /** The anomaly check of graph mode, after a compiled forward pass: the first op to give NaN/±Infinity. */
  private checkForward(rows: number): void {
    for (const i of this.program) {
      for (let r = 0; r < rows; r++) {
        const v = this.data[(this.addr[i] as number) + r * (this.stride[i] as number)] as number;
        if (!Number.isFinite(v)) throw new AnomalyError(`${this.opName(i)} produced ${v} (compiled replay, row ${r})`);
      }
    }
  }

  /** The anomaly check after a compiled backward pass: the first grad that became NaN/±Infinity. */
  private checkBackward(rows: number): void {
    for (let p = this.program.length - 1; p >= 0; p--) {
      const i = this.program[p] as number;
      if (!this.live[i]) continue;
      for (let r = 0; r < rows; r++) {
        const g = this.grad[(this.addr[i] as number) + r * (this.stride[i] as number)] as number;
        if (!Number.isFinite(g)) throw new AnomalyError(`backward made the grad of a ${this.opName(i)} node ${g} (compiled replay, row ${r})`);
      }
    }
    this.leaves.forEach((leaf, s) => {
      const g = this.grad[s] as number;
      if (!Number.isFinite(g)) throw new AnomalyError(`backward made the grad of ${String(leaf)} ${g} (compiled replay)`);
    });
  }

  private opName(i: number): string {
    return this.code[i] === FUSED_NEURON ? "neuron (dot + bias, activation)" : (this.rules[i]?.name ?? OpCode[this.code[i] as number] ?? "op").toLowerCase();
  }
}

/** A neuron fused into one instruction at its last node: `activation(dot + bias)`. */
interface Neuron {
  dot: Value;
  bias: Value;
  activation: number;
}

/**
 * Finds each neuron's chain `dot → + bias → activation` that can run as one instruction — a
 * third of the dispatches, with the same float operations in the same order. A chain fuses only
 * when its `dot` and `+` feed nothing else and are not outputs, and when graph mode's backward
 * would run its three nodes one after another (only leaves, which do nothing, between them in
 * topological order) — so no other node adds into a shared operand in between. A linear neuron
 * (`dot + bias`) fuses at its `+`.
 */
function findNeurons(order: readonly Value[], outputs: readonly Value[]): { at: Map<Value, Neuron>; absorbed: Set<Value> } {
  const uses = new Map<Value, number>();
  const use = (v: Value) => uses.set(v, (uses.get(v) ?? 0) + 1);
  outputs.forEach(use);
  for (const v of order) v.children.forEach(use);
  const single = (v: Value) => uses.get(v) === 1;
  const position = new Map(order.map((v, i) => [v, i]));
  /** Whether only leaves lie between `first` and `second` in the topological order. */
  const adjacent = (first: Value, second: Value) => {
    const from = position.get(first) as number;
    const to = position.get(second) as number;
    for (let k = from + 1; k < to; k++) if ((order[k] as Value).op !== "") return false;
    return from < to;
  };
  // `dot + bias`, where the dot feeds nothing else and runs just before the +.
  const affine = (v: Value) => v._op.code === OpCode.Add && v._a._op.code === OpCode.Dot && single(v._a) && adjacent(v._a, v);
  const at = new Map<Value, Neuron>();
  const absorbed = new Set<Value>();
  for (const v of order) {
    const activation = ACTIVATION_OF[v._op.code];
    if (activation !== undefined && affine(v._a) && single(v._a) && adjacent(v._a, v)) {
      at.set(v, { dot: v._a._a, bias: v._a._b, activation });
      absorbed.add(v._a).add(v._a._a);
    }
  }
  for (const v of order) {
    if (!absorbed.has(v) && !at.has(v) && affine(v)) {
      at.set(v, { dot: v._a, bias: v._b, activation: ACT_NONE });
      absorbed.add(v._a);
    }
  }
  return { at, absorbed };
}

/**
 * Records `build` once — called with one leaf per entry of `inputs` — and returns a
 * {@link CompiledGraph} that replays it over typed arrays, for one row of inputs (`run`) or for
 * many at once (`runBatch`).
 *
 * A recording is one path through the code: if `build` branches on a value (an `if` on
 * `x.data`, a loop whose length depends on the data, a constant taken from `.data`), a replay
 * would keep what it read for every row. So `build` is called again at two other inputs (of the
 * other sign, and larger), and a different graph there — other ops, operands or constants — is
 * an error that says where. Branch with ops instead (relu, max, min, clamp, abs), or pass what
 * varies as inputs (a one-hot target instead of a class index). `build` thus runs up to three
 * times; with no inputs, once (nothing varies). A branch on a closed-over parameter's `.data`
 * is not probed.
 *
 * @throws TypeError if `build` is not a function, `inputs` are not numbers, or `build` returns
 *   anything but a Value or a non-empty array of Values; Error if `build` makes another graph
 *   at other inputs.
 * @example
 * const step = compile(([x, y]) => model.forward([x!, y!])[0]!, [0.5, -1]);
 * step.run([0.2, 0.3]).output(); // the model's output at (0.2, 0.3)
 * step.backward();               // model parameters' grads, as with Value.backward
 */
export function compile(build: (inputs: Value[]) => Value | readonly Value[], inputs: readonly number[] = []): CompiledGraph {
  if (typeof build !== "function") throw new TypeError(`compile(build, inputs): build must be a function, got ${describe(build)}`);
  const given: unknown = inputs;
  if (!Array.isArray(given)) throw new TypeError(`compile(build, inputs): inputs must be an array of numbers, got ${describe(given)}`);
  inputs.forEach((x, i) => {
    if (typeof x !== "number" || Number.isNaN(x)) throw new TypeError(`compile(build, inputs): inputs[${i}] must be a number, got ${describe(x)}`);
  });
  const { leaves, outputs } = record(build, inputs);
  // Built again at other inputs, a recording that read the data it was given differs: caught
  // here, once, instead of replaying the branch it took for every row.
  for (const probe of probesOf(inputs)) {
    let other: { leaves: Value[]; outputs: Value[] };
    try {
      other = record(build, probe);
    } catch {
      continue; // a domain the probe left (a bce probability outside [0, 1]): nothing to compare
    }
    const difference = firstDifference({ leaves, outputs }, other);
    if (difference !== null) {
      throw new Error(
        `compile(build): build made another graph at other inputs — recorded at [${inputs.join(", ")}], at [${probe.join(", ")}]: ${difference}. ` +
          "It reads the data of the Values it is given or makes (an if on .data, a loop over data, a constant taken from .data), " +
          "and a replay would keep what it read for every row. Express the choice with ops (relu, max, min, clamp, abs), or record again for each case.",
      );
    }
  }
  return new CompiledGraph(leaves, outputs);
}

/** Calls `build` with one fresh leaf per input, and checks that it returned Values. */
function record(build: (inputs: Value[]) => Value | readonly Value[], inputs: readonly number[]): { leaves: Value[]; outputs: Value[] } {
  const leaves = inputs.map((x) => new Value(x));
  const result: unknown = build(leaves);
  const outputs = isValue(result) ? [result] : result;
  if (!Array.isArray(outputs)) {
    throw new TypeError(`compile: build must return a Value or an array of Values, got ${describe(result)}`);
  }
  if (outputs.length === 0) throw new ShapeError("compile: build returned no Values");
  outputs.forEach((v: unknown, i) => {
    if (!isValue(v)) throw new TypeError(`compile: build must return Values, got ${describe(v)} at index ${i}`);
  });
  return { leaves, outputs: outputs as Value[] };
}

/** Other inputs to build at: of the other sign, and larger, so that a branch on the data takes the other way. */
function probesOf(inputs: readonly number[]): number[][] {
  if (inputs.length === 0) return [];
  return [inputs.map((x) => -1.5 * x - 0.75), inputs.map((x) => 2.5 * x + 1.25)];
}

/**
 * Where two recordings of the same build differ, in words, or null when they are the same graph:
 * the same ops in the same order on the same operands, the same Values closed over, the same
 * constants. Inputs may differ (they are what changed).
 */
function firstDifference(a: { leaves: Value[]; outputs: Value[] }, b: { leaves: Value[]; outputs: Value[] }): string | null {
  if (a.outputs.length !== b.outputs.length) return `it returned ${b.outputs.length} Values where the recording returned ${a.outputs.length}`;
  const orderA = topologicalOrderOf(a.outputs);
  const orderB = topologicalOrderOf(b.outputs);
  if (orderA.length !== orderB.length) return `its graph has ${orderB.length} Values where the recording has ${orderA.length}`;
  const indexA = new Map(orderA.map((v, i) => [v, i]));
  const indexB = new Map(orderB.map((v, i) => [v, i]));
  const inputA = new Map(a.leaves.map((v, i) => [v, i]));
  const inputB = new Map(b.leaves.map((v, i) => [v, i]));
  const outputsAt = (o: Value[], index: Map<Value, number>) => o.map((v) => index.get(v)).join();
  for (let i = 0; i < orderA.length; i++) {
    const x = orderA[i] as Value;
    const y = orderB[i] as Value;
    const inputX = inputA.get(x) ?? -1;
    const inputY = inputB.get(y) ?? -1;
    const where = `Value ${i + 1} of ${orderA.length}`;
    if (inputX !== inputY) return `${where} is ${inputY >= 0 ? `input ${inputY}` : `a ${y.op || "leaf"}`} where the recording has ${inputX >= 0 ? `input ${inputX}` : `a ${x.op || "leaf"}`}`;
    if (inputX >= 0 || x === y) continue;
    if (x.op !== y.op) return `${where} is ${y.op ? `a ${JSON.stringify(y.op)}` : "a leaf"} where the recording has ${x.op ? `a ${JSON.stringify(x.op)}` : "a leaf"}`;
    if (x.op === "" && !Object.is(x.data, y.data)) return `${where} is the constant ${y.data} where the recording has ${x.data}`;
    const childrenA = x.children.map((c) => indexA.get(c)).join();
    const childrenB = y.children.map((c) => indexB.get(c)).join();
    if (childrenA !== childrenB) return `${where}, a ${JSON.stringify(x.op)}, reads other operands`;
  }
  if (outputsAt(a.outputs, indexA) !== outputsAt(b.outputs, indexB)) return "it returns other Values of its graph";
  return null;
}
