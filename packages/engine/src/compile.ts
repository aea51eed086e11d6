import { anomaly } from "./anomaly.js";
import { AnomalyError, describe } from "./errors.js";
import { ShapeError } from "./shape-error.js";
import type { Op, Rule } from "./ops.js";
import {
  OpCode, bceBackward, bceForward, bceTargetBackward, bceWithLogitsBackward, bceWithLogitsForward, bceWithLogitsTargetBackward, divBackwardB, logSumExpBackward,
  logSumExpShift, powBackward, reluForward, reluPasses, sigmoidBackward, sigmoidForward, softplusBackward, softplusForward, tanhBackward,
} from "./ops.js";
import { sharedPass } from "./pass.js";
import { LayerMemory } from "./layers.js";
import type { Layer } from "./layers.js";
import { Kind, firstDifference, indexGraph, record } from "./recording.js";
import type { IndexedGraph } from "./recording.js";
import { isValue } from "./value.js";
import type { Value } from "./value.js";

/** The default of `run()`, shared so that a replay allocates nothing. */
const NO_INPUTS: ArrayLike<number> = Object.freeze([]);

/**
 * The fewest weights a layer needs for the WebAssembly kernels to run it: below, a layer's fixed
 * costs (its weights transposed, its activations applied in JavaScript) outweigh what the
 * kernels save. Measured with `pnpm bench`'s single-mode runs (best of three, twice): micrograd's
 * demo's 16×16 layer (256 weights, 100 rows) ran 5–6 % slower on the kernels, the digits
 * workload's 32×10 layer (320 weights, 32 rows) made its epoch 8–9 % faster.
 */
const MIN_LAYER_WEIGHTS = 300;

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
  if (kind === ACT_SIGMOID) return sigmoidForward(z);
  return z;
}

/**
 * The grad that reaches a fused neuron's `dot + bias` from `g` at its output `r` (input `z`),
 * as the ops compute it. The `0 +` is graph mode's accumulation into the fresh grad of the `+`
 * node (it turns -0 into +0), so that even signed zeros match.
 */
function activationBackward(kind: number, z: number, r: number, g: number): number {
  if (kind === ACT_RELU) return reluPasses(z) ? 0 + g : 0;
  if (kind === ACT_TANH) return 0 + tanhBackward(r, g);
  if (kind === ACT_SIGMOID) return 0 + sigmoidBackward(r, g);
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

/** The backward of a dot over two consecutive lists at addresses `x` and `y` in `data` for grad `g`: `g·y[k]` into x's grad, then `g·x[k]` into y's, for each k in turn, as graph mode's dot. */
function dotBackwardOf(data: Float64Array, grad: Float64Array, x: number, y: number, half: number, g: number): void {
  for (let k = 0; k < half; k++) {
    grad[x + k]! += g * (data[y + k] as number);
    grad[y + k]! += g * (data[x + k] as number);
  }
}

/**
 * Four dot products that share one list: `Σₖ shared[k]·lⱼ[k]` for j = 0…3 (lists at addresses in
 * `data`, `half` entries each), into `sums`. Each sum adds its products in list order, as graph
 * mode's dot does (and a·b is b·a to the bit), but the four run side by side: four independent
 * chains of additions instead of one. Both the rows of a batch (weights shared) and the neurons
 * of a layer (inputs shared) run through here.
 */
function fourDots(data: Float64Array, shared: number, l0: number, l1: number, l2: number, l3: number, half: number, sums: Float64Array): void {
  let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (let k = 0; k < half; k++) {
    const s = data[shared + k] as number;
    t0 += s * (data[l0 + k] as number);
    t1 += s * (data[l1 + k] as number);
    t2 += s * (data[l2 + k] as number);
    t3 += s * (data[l3 + k] as number);
  }
  sums[0] = t0;
  sums[1] = t1;
  sums[2] = t2;
  sums[3] = t3;
}

/**
 * The backward of {@link fourDots} for grads `g0…g3`, last dot first as graph mode runs them:
 * each shared entry's grad takes its four terms in that order (kept in a register meanwhile),
 * and each entry of the lists its one term. The lists and the shared list must not overlap.
 */
function fourDotsBackward(data: Float64Array, grad: Float64Array, shared: number, l0: number, l1: number, l2: number, l3: number, half: number, g0: number, g1: number, g2: number, g3: number): void {
  for (let k = 0; k < half; k++) {
    const s = data[shared + k] as number;
    let acc = grad[shared + k] as number;
    acc += g3 * (data[l3 + k] as number);
    grad[l3 + k]! += g3 * s;
    acc += g2 * (data[l2 + k] as number);
    grad[l2 + k]! += g2 * s;
    acc += g1 * (data[l1 + k] as number);
    grad[l1 + k]! += g1 * s;
    acc += g0 * (data[l0 + k] as number);
    grad[l0 + k]! += g0 * s;
    grad[shared + k] = acc;
  }
}

/**
 * A computation recorded once by {@link compile} and replayed over typed arrays: forward and
 * backward allocate nothing once V8 has optimised them for the program at hand (a test measures
 * under 16 bytes a replay; in a process that has pushed every kind of op through the same replay
 * code, V8's generic paths box numbers instead: 10 KB a replay measured), and run about ten
 * times faster than building the graph anew (`pnpm bench`, micrograd's demo step: graph mode
 * 16× the hand-written loop, a whole-step recording 1.7×, one row replayed over the batch 1.5×).
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
  /**
   * What every row shares, by slot: the leaves the recording read (parameters, constants) and the
   * op nodes made before it and closed over — each read from its `data` at every replay.
   */
  private readonly uniform: Value[];
  /**
   * The shared slots that are leaves of `compile`'s `parameters`, as runs of consecutive slots
   * that hold consecutive entries of its arrays: run r is the `runLength[r]` slots from
   * `runSlot[r]`; `paramData[r]` and `paramGrad[r]` view its entries in the parameters' `data`
   * and `grad`, `replayData[r]` and `replayGrad[r]` its slots in the replay's (remade with them).
   * They are read and added into there, without visiting the Values, and a copy is one `set` per
   * run: a memcpy, where a loop over the entries took a seventh of an MNIST-size step (see the
   * bench README). `plainSlots` are the other shared slots, read from their Values.
   */
  private readonly runSlot: Int32Array;
  private readonly runLength: Int32Array;
  private readonly plainSlots: Int32Array;
  private readonly paramData: Float64Array[];
  private readonly paramGrad: Float64Array[];
  private replayData: Float64Array[] = [];
  private replayGrad: Float64Array[] = [];
  /** 1 for the slot of an op node closed over: an instruction backward runs once, not per row, and forward skips. */
  private readonly closedOver: Uint8Array;
  /** Instructions in topological order (slot numbers): every op for backward; the recording's own for forward. */
  private readonly program: Int32Array;
  private readonly forwardProgram: Int32Array;
  /** Per slot: */
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
  /** Each fused neuron's operands (see `neuronOperands`), made once, so that a replay allocates nothing. */
  private readonly neuronInfo: (NeuronOperands | null)[];
  /**
   * For fused neurons: whether backward may take four rows at once — one operand list shared by
   * every row (the weights), the other one per row, and a bias that is not among the weights.
   */
  private readonly blockable: Uint8Array;
  /**
   * For the one-row path: at the first of four consecutive fused neurons that read one shared
   * list (a layer's inputs) each with weights of its own, and run side by side (see
   * {@link neuronQuad}), the address of that shared list; -1 elsewhere. `quadOwn` holds each of
   * the four's own list, and `quadBackward` marks the fours whose backward may run so too.
   */
  private readonly quadShared: Int32Array;
  private readonly quadOwn: Int32Array;
  private readonly quadBackward: Uint8Array;
  /**
   * Where slot i lives: row r of it is at `i + r·stride[i]`. Leaves are the same for every
   * row (stride 0, packed first); inputs and ops have one value per row (stride = `rowSize`), so
   * each row's slots lie side by side — a row's dot reads its inputs consecutively.
   */
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
  /**
   * Layers of fused neurons (one input list, weights and biases of their own) that the
   * WebAssembly SIMD kernels run as one block over a batch; by forward program position, the
   * layer starting there, and by backward program position, the layer ending there (-1 elsewhere).
   */
  private readonly layers: Layer[];
  private readonly layerStarting: Int32Array;
  private readonly layerEnding: Int32Array;
  /** Whether backward must give the inputs' gradients (`compile`'s `inputGrads`). */
  private readonly inputGrads: boolean;
  /** The kernels and the WebAssembly memory that holds data, grad and pre; null without layers or SIMD. */
  private readonly kernels: LayerMemory | null;
  private capacity = 0;
  private rows = 0;
  private data = new Float64Array(0);
  private grad = new Float64Array(0);
  /** For dots and fused neurons: the value before the activation, kept for the backward pass. */
  private pre = new Float64Array(0);
  /** Where {@link fourDots} writes its four sums: one array for every replay, which then allocates nothing. */
  private readonly sums = new Float64Array(4);

  /** @internal Use {@link compile}. */
  constructor(graph: IndexedGraph, inputs: readonly Value[], simd = true, inputGrads = true, parameters: ParameterArrays | null = null) {
    this.inputGrads = inputGrads;
    const { order, kind } = graph;
    const n = order.length;
    const neurons = findNeurons(graph);
    // Slots: what every row shares first (leaves, and op nodes closed over from outside, which a
    // replay reads rather than recomputes), then the inputs, then the ops the recording made.
    // Counted first, so that no list of a million entries grows one push at a time.
    let u = 0;
    let instructions = 0;
    let made = 0;
    for (let k = 0; k < n; k++) {
      const shared = kind[k] === Kind.Leaf || kind[k] === Kind.ClosedOver;
      const own = kind[k] === Kind.Made && !neurons.absorbed[k];
      if (shared) u++;
      if (own) made++;
      if (own || kind[k] === Kind.ClosedOver) instructions++;
    }
    const slotOf = new Int32Array(n).fill(-1);
    const uniform = new Array<Value>(u);
    const program = new Int32Array(instructions);
    const forwardProgram = new Int32Array(made);
    let size = u + inputs.length;
    for (let k = 0, shared = 0, p = 0, f = 0; k < n; k++) {
      if (kind[k] === Kind.Leaf || kind[k] === Kind.ClosedOver) {
        slotOf[k] = shared;
        uniform[shared++] = order[k] as Value;
      } else if (kind[k] === Kind.Input) slotOf[k] = u + (graph.input[k] as number);
      else if (!neurons.absorbed[k]) {
        slotOf[k] = size++;
        forwardProgram[f++] = slotOf[k] as number;
      }
      if (kind[k] === Kind.ClosedOver || (kind[k] === Kind.Made && !neurons.absorbed[k])) program[p++] = slotOf[k] as number;
    }
    this.uniform = uniform;
    const index = new Map<Value, number>(parameters ? parameters.values.map((v, i) => [v, i]) : []);
    const slot: number[] = [];
    const start: number[] = [];
    const length: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < u; i++) {
      const at = index.get(uniform[i] as Value);
      if (at === undefined) {
        plain.push(i);
        continue;
      }
      const r = slot.length - 1;
      if (r >= 0 && (slot[r] as number) + (length[r] as number) === i && (start[r] as number) + (length[r] as number) === at) length[r]! += 1;
      else {
        slot.push(i);
        start.push(at);
        length.push(1);
      }
    }
    this.runSlot = Int32Array.from(slot);
    this.runLength = Int32Array.from(length);
    this.plainSlots = Int32Array.from(plain);
    this.paramData = parameters ? runViews(parameters.data, start, length) : [];
    this.paramGrad = parameters ? runViews(parameters.grad, start, length) : [];
    this.inputCount = inputs.length;
    this.uniformSize = u;
    this.rowSize = size - u;
    this.stride = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      this.stride[i] = i < u ? 0 : this.rowSize;
    }
    this.closedOver = new Uint8Array(size);
    for (let k = 0; k < n; k++) if (kind[k] === Kind.ClosedOver) this.closedOver[slotOf[k] as number] = 1;
    this.program = program;
    this.forwardProgram = forwardProgram;
    this.outputSlots = graph.outputs.map((k) => slotOf[k] as number);
    this.code = new Uint8Array(size);
    this.act = new Uint8Array(size);
    this.a = new Int32Array(size);
    this.b = new Int32Array(size);
    this.argStart = new Int32Array(size);
    this.argEnd = new Int32Array(size);
    this.xBase = new Int32Array(size).fill(-1);
    this.yBase = new Int32Array(size).fill(-1);
    this.exponent = new Float64Array(size);
    this.rules = new Array<Op | undefined>(size);
    const args: number[] = [];
    // How many instructions read each slot, each counted once per instruction (`reader` stamps it).
    const reads = new Int32Array(size);
    const reader = new Int32Array(size).fill(-1);
    const read = (i: number, s: number) => {
      if (reader[s] === i) return;
      reader[s] = i;
      reads[s]! += 1;
    };
    /** Records the operand list `graph.args[from, to)` as slots; a list of consecutive addresses with one stride also keeps its first address. */
    const list = (i: number, from: number, to: number): number => {
      const first = args.length;
      for (let j = from; j < to; j++) {
        const s = slotOf[graph.args[j] as number] as number;
        args.push(s);
        read(i, s);
      }
      const s0 = args[first];
      if (s0 === undefined) return -1;
      for (let j = first; j < args.length; j++) if (args[j] !== s0 + (j - first) || this.stride[args[j] as number] !== this.stride[s0]) return -1;
      return s0;
    };
    this.ensureCapacity(1);
    // One pass over the Values themselves (each a read from somewhere in the heap): their data, and each instruction's op.
    for (let k = 0; k < n; k++) {
      const i = slotOf[k] as number;
      if (i < 0) continue;
      const v = order[k] as Value;
      this.data[i] = v.data;
      if (!(kind[k] === Kind.ClosedOver || kind[k] === Kind.Made)) continue;
      const op = v._op;
      const dot = neurons.dot[k] as number;
      // A fused neuron's operand lists are its dot's.
      const lists = dot >= 0 ? dot : k;
      if (dot >= 0) {
        this.code[i] = FUSED_NEURON;
        this.act[i] = neurons.activation[k] as number;
        this.a[i] = slotOf[neurons.bias[k] as number] as number;
        read(i, this.a[i]);
      } else {
        this.code[i] = op.code;
        this.exponent[i] = op.exponent;
        if (op.rule) this.rules[i] = op;
      }
      if (dot >= 0 || op.arity < 0) {
        this.argStart[i] = args.length;
        this.xBase[i] = list(i, graph.argStart[lists] as number, graph.argMid[lists] as number);
        this.yBase[i] = list(i, graph.argMid[lists] as number, graph.argEnd[lists] as number);
        this.argEnd[i] = args.length;
      } else {
        this.a[i] = slotOf[graph.a[k] as number] as number;
        this.b[i] = slotOf[graph.b[k] as number] as number;
        read(i, this.a[i]);
        read(i, this.b[i]);
      }
    }
    this.args = Int32Array.from(args);
    this.blockable = new Uint8Array(size);
    for (const i of this.program) {
      const xs = this.xBase[i] as number;
      const ys = this.yBase[i] as number;
      if (this.code[i] !== FUSED_NEURON || xs < 0 || ys < 0 || (this.stride[xs] === 0) === (this.stride[ys] === 0)) continue;
      const weights = this.stride[xs] === 0 ? xs : ys;
      const bias = this.a[i] as number;
      const half = ((this.argEnd[i] as number) - (this.argStart[i] as number)) >> 1;
      this.blockable[i] = this.stride[bias] !== 0 || bias < weights || bias >= weights + half ? 1 : 0;
    }
    let major = true;
    for (let s = 0; s < u; s++) if ((reads[s] as number) > 1) major = false;
    this.instructionMajor = major;
    // What output 0 depends on, walked back from it over the positions.
    const needed = new Uint8Array(n);
    needed[graph.outputs[0] as number] = 1;
    for (let k = n - 1; k >= 0; k--) {
      if (!needed[k]) continue;
      if (graph.a[k]! >= 0) needed[graph.a[k] as number] = needed[graph.b[k] as number] = 1;
      for (let j = graph.argStart[k] as number; j < (graph.argEnd[k] as number); j++) needed[graph.args[j] as number] = 1;
    }
    this.live = new Uint8Array(size);
    for (let k = 0; k < n; k++) if (needed[k] && (slotOf[k] as number) >= 0) this.live[slotOf[k] as number] = 1;
    // Where each instruction reads and writes, worked out once: a replay then allocates nothing.
    this.quadShared = new Int32Array(size).fill(-1);
    this.quadOwn = new Int32Array(size);
    this.quadBackward = new Uint8Array(size);
    this.findQuads();
    this.neuronInfo = new Array<NeuronOperands | null>(size).fill(null);
    for (const i of this.program) if (this.code[i] === FUSED_NEURON && (this.xBase[i] as number) >= 0 && (this.yBase[i] as number) >= 0) this.neuronInfo[i] = this.neuronOperands(i);
    inputs.forEach((v, i) => (this.data[u + i] = v.data));
    this.layerStarting = new Int32Array(this.forwardProgram.length).fill(-1);
    this.layerEnding = new Int32Array(this.program.length).fill(-1);
    this.layers = this.findLayers();
    this.kernels = simd ? LayerMemory.create(this.layers) : null;
    if (this.kernels) {
      // The arrays move into the kernels' memory, with what they hold so far.
      const recorded = this.data;
      this.capacity = 0;
      this.ensureCapacity(1);
      this.data.set(recorded);
    }
  }

  /**
   * Whether batched replays run their layers on the WebAssembly SIMD kernels: the computation
   * has at least one layer (two or more fused neurons reading one input list, with weights of
   * their own, 300 weights or more), this JavaScript engine has WebAssembly SIMD, and `compile`
   * was not told `{ simd: false }`. Results are the same to the bit either way.
   */
  get simd(): boolean {
    return this.kernels !== null;
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
    return this.data[s + row * (this.stride[s] as number)] as number;
  }

  /**
   * Output `k` of every row of the last run, written into `into` (a new array if none is given;
   * it must hold at least as many numbers as there were rows).
   */
  outputColumn(k: number, into: Float64Array = new Float64Array(this.rows)): Float64Array {
    const s = this.outputSlots[k];
    if (s === undefined) throw new RangeError(`CompiledGraph.outputColumn: there are ${this.outputCount} outputs, asked for ${describe(k)}`);
    if (into.length < this.rows) throw new ShapeError(`CompiledGraph.outputColumn: the last run had ${this.rows} rows, into holds ${into.length}`);
    const at = s;
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
    if (!this.inputGrads) {
      throw new Error("CompiledGraph.inputGrad: the graph was compiled with { inputGrads: false }, so backward leaves its inputs' gradients out; compile it without that option to read them");
    }
    if (!(Number.isInteger(i) && i >= 0 && i < this.inputCount)) {
      throw new RangeError(`CompiledGraph.inputGrad: there are ${this.inputCount} inputs, asked for ${describe(i)}`);
    }
    this.checkRow(row, "inputGradAt");
    const s = this.uniformSize + i;
    return this.grad[s + row * (this.stride[s] as number)] as number;
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
    // What `new Value(x)` refuses for a leaf of graph mode, a replay refuses for an input. A
    // Float64Array holds numbers only: NaN is all there is to look for, four at a time — a sum of
    // four is NaN if one of them is (or if +∞ and -∞ meet: then the loop below looks one by one),
    // and one compare a sum runs twice as fast as one a number.
    if (inputs instanceof Float64Array) {
      const n = inputs.length;
      let j = 0;
      let suspect = false;
      for (; j + 4 <= n; j += 4) {
        const s = (inputs[j] as number) + (inputs[j + 1] as number) + (inputs[j + 2] as number) + (inputs[j + 3] as number);
        if (s !== s) suspect = true;
      }
      for (; j < n; j++) if (inputs[j] !== inputs[j]) suspect = true;
      if (!suspect) return;
    }
    for (let j = 0; j < inputs.length; j++) {
      const x: unknown = inputs[j];
      if (typeof x !== "number" || Number.isNaN(x)) throw new TypeError(`CompiledGraph.${method}(inputs): inputs[${j}] must be a number, got ${describe(x)}`);
    }
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    const size = this.uniformSize + rows * this.rowSize;
    if (this.kernels) {
      this.kernels.resize(size, rows);
      ({ data: this.data, grad: this.grad, pre: this.pre } = this.kernels);
    } else {
      this.data = new Float64Array(size);
      this.grad = new Float64Array(size);
      this.pre = new Float64Array(size);
    }
    this.replayData = runViews(this.data, this.runSlot, this.runLength);
    this.replayGrad = runViews(this.grad, this.runSlot, this.runLength);
    this.capacity = rows;
  }

  /** Copies the shared Values' current data (leaves, closed-over op nodes) and the rows' inputs into place. */
  private load(inputs: ArrayLike<number>, rows: number): void {
    const { data, pre, uniform, uniformSize, rowSize, inputCount, plainSlots } = this;
    // `pre` too: a closed-over dot's backward reads its value there, as a recorded dot's does.
    for (let p = 0; p < plainSlots.length; p++) {
      const i = plainSlots[p] as number;
      data[i] = pre[i] = (uniform[i] as Value).data;
    }
    // A leaf's `pre` is never read: only dots and fused neurons keep one.
    this.copyRuns(this.paramData, this.replayData, true);
    for (let r = 0; r < rows; r++) {
      const row = uniformSize + r * rowSize;
      for (let j = 0; j < inputCount; j++) data[row + j] = inputs[r * inputCount + j] as number;
    }
    this.rows = rows;
  }

  /** Copies the bound parameters' entries of one of their arrays (`params`, as views per run) into their slots of one of the replay's (`replay`), or back when not `intoReplay`. */
  private copyRuns(params: readonly Float64Array[], replay: readonly Float64Array[], intoReplay: boolean): void {
    for (let r = 0; r < params.length; r++) {
      if (intoReplay) (replay[r] as Float64Array).set(params[r] as Float64Array);
      else (params[r] as Float64Array).set(replay[r] as Float64Array);
    }
  }

  /** Runs every instruction over rows 0…rows-1, instruction by instruction. */
  private forward(rows: number): void {
    if (rows === 1) this.forwardFlat();
    else {
      const { forwardProgram: program, layerStarting, kernels } = this;
      for (let p = 0; p < program.length; p++) {
        const l = layerStarting[p] as number;
        if (l >= 0 && kernels) {
          p += this.layerForward(l, kernels, rows) - 1;
        } else this.forwardInstruction(program[p] as number, rows);
      }
    }
    if (anomaly.enabled) this.checkForward(rows);
  }

  /**
   * Marks each run of four fused neurons, consecutive in the program, that may run side by side:
   * one operand list the same for all (the layer's inputs `v`), on the same side, and one their
   * own (weights `w`), all lists consecutive and of one length; every operand recorded before the
   * first of them (so none reads another's output); the weights, the shared list and the biases
   * all apart, so that backward's writes cannot alias. Each neuron's sums keep their order, so
   * results are the same to the bit; four independent sums run at once instead of one chain of
   * dependent additions.
   */
  private findQuads(): void {
    const { forwardProgram: program, code, xBase, yBase, argStart, argEnd, a, live } = this;
    // Where each instruction stands in backward's program, which also runs closed-over nodes.
    const position = new Int32Array(code.length).fill(-1);
    this.program.forEach((i, q) => (position[i] = q));
    for (let p = 0; p + 4 <= program.length; p++) {
      const first = program[p] as number;
      if (code[first] !== FUSED_NEURON) continue;
      const xs = xBase[first] as number;
      const ys = yBase[first] as number;
      const half = ((argEnd[first] as number) - (argStart[first] as number)) >> 1;
      if (xs < 0 || ys < 0 || half === 0) continue;
      const members = [first, program[p + 1] as number, program[p + 2] as number, program[p + 3] as number];
      const sameX = members.every((i) => code[i] === FUSED_NEURON && xBase[i] === xs && yBase[i] as number >= 0);
      const sameY = members.every((i) => code[i] === FUSED_NEURON && yBase[i] === ys && xBase[i] as number >= 0);
      if (sameX === sameY) continue;
      const shared = sameX ? xs : ys;
      const own = members.map((i) => (sameX ? yBase[i] : xBase[i]) as number);
      const ranges: [number, number][] = [[shared, shared + half], ...own.map((w): [number, number] => [w, w + half]), ...members.map((i): [number, number] => [a[i] as number, (a[i] as number) + 1])];
      const fits = members.every((i, j) => i === first + j && ((argEnd[i] as number) - (argStart[i] as number)) >> 1 === half);
      const before = ranges.every(([, hi]) => hi <= first);
      ranges.sort((r, q) => r[0] - q[0]);
      const apart = ranges.every((r, j) => j === 0 || (ranges[j - 1] as [number, number])[1] <= r[0]);
      if (!fits || !before || !apart) continue;
      this.quadShared[first] = shared;
      own.forEach((w, j) => (this.quadOwn[first + j] = w));
      this.quadBackward[first] = members.every((i, j) => live[i] && position[i] === (position[first] as number) + j) ? 1 : 0;
      p += 3;
    }
  }

  /** Four fused neurons side by side (see {@link findQuads}), from the first, `i`: forward. */
  private neuronQuad(i: number): void {
    const { data, pre, a, act, argStart, argEnd, quadShared, quadOwn: own } = this;
    const v = quadShared[i] as number;
    const half = ((argEnd[i] as number) - (argStart[i] as number)) >> 1;
    const sums = this.sums;
    fourDots(data, v, own[i] as number, own[i + 1] as number, own[i + 2] as number, own[i + 3] as number, half, sums);
    const z0 = (pre[i] = (sums[0] as number) + (data[a[i] as number] as number));
    const z1 = (pre[i + 1] = (sums[1] as number) + (data[a[i + 1] as number] as number));
    const z2 = (pre[i + 2] = (sums[2] as number) + (data[a[i + 2] as number] as number));
    const z3 = (pre[i + 3] = (sums[3] as number) + (data[a[i + 3] as number] as number));
    data[i] = activate(act[i] as number, z0);
    data[i + 1] = activate(act[i + 1] as number, z1);
    data[i + 2] = activate(act[i + 2] as number, z2);
    data[i + 3] = activate(act[i + 3] as number, z3);
  }

  /**
   * Four fused neurons' backward, last first as graph mode runs them: each weight's grad takes
   * its one term, and each shared input's grad its four in graph mode's order (neuron 3, 2, 1,
   * 0). A neuron that passes nothing (a zero grad, a finite pre-activation) adds ±0 times finite
   * numbers, which changes no grad, so it simply runs along.
   */
  private neuronQuadBackward(i: number): void {
    const { data, grad, pre, a, act, argStart, argEnd, quadShared, quadOwn: own } = this;
    const v = quadShared[i] as number;
    const half = ((argEnd[i] as number) - (argStart[i] as number)) >> 1;
    const g3 = activationBackward(act[i + 3] as number, pre[i + 3] as number, data[i + 3] as number, grad[i + 3] as number);
    const g2 = activationBackward(act[i + 2] as number, pre[i + 2] as number, data[i + 2] as number, grad[i + 2] as number);
    const g1 = activationBackward(act[i + 1] as number, pre[i + 1] as number, data[i + 1] as number, grad[i + 1] as number);
    const g0 = activationBackward(act[i] as number, pre[i] as number, data[i] as number, grad[i] as number);
    if (passesNothing(g3, pre[i + 3] as number) && passesNothing(g2, pre[i + 2] as number) && passesNothing(g1, pre[i + 1] as number) && passesNothing(g0, pre[i] as number)) return;
    grad[a[i + 3] as number]! += g3;
    grad[a[i + 2] as number]! += g2;
    grad[a[i + 1] as number]! += g1;
    grad[a[i] as number]! += g0;
    // The shared list and the four own lists are apart (findQuads), so which of a dot's two lists
    // takes its term first changes nothing: each entry gets its terms in graph mode's order.
    fourDotsBackward(data, grad, v, own[i] as number, own[i + 1] as number, own[i + 2] as number, own[i + 3] as number, half, g0, g1, g2, g3);
  }

  /**
   * The forward pass for one row, in one loop: a recording of a whole training step (one row,
   * thousands of instructions) spends its time in dispatch, so the common instructions run here
   * inline on row 0's slots (slot `i` of row 0 is at `i`), with the same operations as the row kernels.
   */
  private forwardFlat(): void {
    const { data, pre, code, a, b, act, xBase, yBase, argStart, argEnd } = this;
    const { quadShared } = this;
    const program = this.forwardProgram;
    for (let p = 0; p < program.length; p++) {
      const i = program[p] as number;
      switch (code[i]) {
        case FUSED_NEURON: {
          if ((quadShared[i] as number) >= 0) {
            this.neuronQuad(i);
            p += 3;
            break;
          }
          const xs = xBase[i] as number;
          const ys = yBase[i] as number;
          if (xs < 0 || ys < 0) {
            this.forwardRows(i, 1);
            break;
          }
          const half = ((argEnd[i] as number) - (argStart[i] as number)) >> 1;
          // The sums stay inline here and below: a helper returning a number, when V8 does not
          // inline it, boxes that number on every call, and a replay would allocate.
          let total = 0;
          for (let k = 0; k < half; k++) total += (data[xs + k] as number) * (data[ys + k] as number);
          const z = (pre[i] = total + (data[a[i] as number] as number));
          data[i] = activate(act[i] as number, z);
          break;
        }
        case OpCode.Add: data[i] = (data[a[i] as number] as number) + (data[b[i] as number] as number); break;
        case OpCode.Sub: data[i] = (data[a[i] as number] as number) - (data[b[i] as number] as number); break;
        case OpCode.Mul: data[i] = (data[a[i] as number] as number) * (data[b[i] as number] as number); break;
        case OpCode.Neg: data[i] = -(data[a[i] as number] as number); break;
        case OpCode.Relu: data[i] = reluForward(data[a[i] as number] as number); break;
        default: this.forwardRows(i, 1);
      }
    }
  }

  /**
   * The backward pass for one row, in one loop: {@link forwardFlat}'s counterpart, with the same
   * local derivatives in the same order as the row kernels (a closed-over op node too: one row is
   * row 0, where it runs).
   */
  private backwardFlat(): void {
    const { data, grad, pre, code, a, b, act, xBase, yBase, argStart, argEnd, live, program, quadBackward } = this;
    for (let p = program.length - 1; p >= 0; p--) {
      const i = program[p] as number;
      if (!live[i]) continue;
      const g = grad[i] as number;
      switch (code[i]) {
        case FUSED_NEURON: {
          // The last of four that run side by side: all four, then past them.
          if (i >= 3 && quadBackward[i - 3]) {
            this.neuronQuadBackward(i - 3);
            p -= 3;
            break;
          }
          const xs = xBase[i] as number;
          const ys = yBase[i] as number;
          if (xs < 0 || ys < 0) {
            this.backwardInstruction(i, 0, 1);
            break;
          }
          // The activation's, the +'s and the dot's backward rules in turn, as graph mode applies them.
          const z = pre[i] as number;
          const gz = activationBackward(act[i] as number, z, data[i] as number, g);
          if (passesNothing(gz, z)) break;
          grad[a[i] as number]! += gz;
          const half = ((argEnd[i] as number) - (argStart[i] as number)) >> 1;
          dotBackwardOf(data, grad, xs, ys, half, gz);
          break;
        }
        case OpCode.Add:
          grad[a[i] as number]! += g;
          grad[b[i] as number]! += g;
          break;
        case OpCode.Sub:
          grad[a[i] as number]! += g;
          grad[b[i] as number]! += -g;
          break;
        case OpCode.Mul: {
          const x = a[i] as number;
          const y = b[i] as number;
          grad[x]! += g * (data[y] as number);
          grad[y]! += g * (data[x] as number);
          break;
        }
        case OpCode.Relu:
          if (reluPasses(data[a[i] as number] as number)) grad[a[i] as number]! += g;
          break;
        default:
          this.backwardInstruction(i, 0, 1);
      }
    }
  }

  private forwardInstruction(i: number, rows: number): void {
    const { data, code } = this;
    // Where the instruction writes (o) and reads its operands (ai, bi) in row 0, and how far each moves per row.
    const o = i;
    const so = this.stride[i] as number;
    const ai = this.a[i] as number;
    const sa = this.stride[ai] as number;
    const bi = this.b[i] as number;
    const sb = this.stride[bi] as number;
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

  /** Any instruction, row by row. */
  private forwardRows(i: number, rows: number): void {
    const { data, pre, code, exponent } = this;
    // Where the instruction writes (o) and reads its operands (ai, bi) in row 0, and how far each moves per row.
    const o = i;
    const so = this.stride[i] as number;
    const ai = this.a[i] as number;
    const sa = this.stride[ai] as number;
    const bi = this.b[i] as number;
    const sb = this.stride[bi] as number;
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
        case OpCode.Sigmoid: data[out] = sigmoidForward(x); break;
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
    const { data, sums } = this;
    const { o, so, bias, biasStride, xa, xst, ya, yst, half, kind, w, v, vst } = this.neuronInfo[i] as NeuronOperands;
    let r = 0;
    if (xst === 0 || yst === 0) {
      // Weights shared by every row (stride 0) times each row's inputs: four rows per load of a
      // weight. Each row still adds its products in list order, so the sums are graph mode's
      // (and w·x is x·w to the bit: IEEE multiplication commutes).
      for (; r + 4 <= rows; r += 4) {
        const v0 = v + r * vst;
        fourDots(data, w, v0, v0 + vst, v0 + 2 * vst, v0 + 3 * vst, half, sums);
        this.neuronOut(o + r * so, (sums[0] as number) + (data[bias + r * biasStride] as number), kind);
        this.neuronOut(o + (r + 1) * so, (sums[1] as number) + (data[bias + (r + 1) * biasStride] as number), kind);
        this.neuronOut(o + (r + 2) * so, (sums[2] as number) + (data[bias + (r + 2) * biasStride] as number), kind);
        this.neuronOut(o + (r + 3) * so, (sums[3] as number) + (data[bias + (r + 3) * biasStride] as number), kind);
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
  private neuronOperands(i: number): NeuronOperands {
    const { stride } = this;
    const xs = this.xBase[i] as number;
    const ys = this.yBase[i] as number;
    const xa = xs;
    const xst = stride[xs] as number;
    const ya = ys;
    const yst = stride[ys] as number;
    const o = i;
    const so = stride[i] as number;
    const bias = this.a[i] as number;
    const biasStride = stride[bias] as number;
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
    const { grad, uniform, closedOver, program, live, stride, uniformSize, rowSize } = this;
    // The pass sums its contributions to each leaf apart, from +0 (or from what the other calls
    // of an `onePass` have summed), and adds the sum to the leaf's grad at the end — PyTorch's
    // AccumulateGrad, as graph mode does. Only the leaves output 0 depends on: graph mode's pass
    // never reaches the others. A slot that starts at +0 never becomes -0, so adding a zero
    // never changes one: kernels may skip zero gradients.
    // A closed-over op node's grad starts from 0 at each call, as graph mode's intermediate grads do.
    const shared = sharedPass();
    const { plainSlots } = this;
    for (let p = 0; p < plainSlots.length; p++) {
      const i = plainSlots[p] as number;
      const held = live[i] && shared && !closedOver[i];
      if (held) shared.hold(uniform[i] as Value);
      grad[i] = held ? (uniform[i] as Value).grad : 0;
    }
    // The parameters' contributions are summed in place, onto what their array holds.
    this.copyRuns(this.paramGrad, this.replayGrad, true);
    grad.fill(0, uniformSize, uniformSize + rows * rowSize);
    const root = this.outputSlots[0] as number;
    for (let r = 0; r < rows; r++) grad[root + r * (stride[root] as number)]! += seeds ? (seeds[r] as number) : 1;
    // A closed-over op node is one node for all rows: graph mode reaches it in row 0's part of the
    // order (the first row it walks), once, so its instruction runs once, there.
    if (rows === 1) this.backwardFlat();
    else if (this.instructionMajor) {
      const { layerEnding, kernels } = this;
      for (let p = program.length - 1; p >= 0; p--) {
        const l = layerEnding[p] as number;
        if (l >= 0 && kernels) {
          p -= this.layerBackward(l, kernels, rows) - 1;
          continue;
        }
        const i = program[p] as number;
        if (live[i]) this.backwardInstruction(i, 0, closedOver[i] ? 1 : rows);
      }
    } else {
      for (let r = rows - 1; r >= 0; r--) {
        for (let p = program.length - 1; p >= 0; p--) {
          const i = program[p] as number;
          if (live[i] && (r === 0 || !closedOver[i])) this.backwardInstruction(i, r, r + 1);
        }
      }
    }
    try {
      if (anomaly.enabled) this.checkBackward(rows);
    } finally {
      // Even when the check throws, the pass ends as graph mode's does: what it summed is added —
      // to the grad it had (the pass's own), or kept for the end of the shared pass.
      // A closed-over op node gets this call's grad, as graph mode sets an intermediate grad.
      for (let p = 0; p < plainSlots.length; p++) {
        const i = plainSlots[p] as number;
        if (!live[i]) continue;
        const value = uniform[i] as Value;
        value.grad = shared || closedOver[i] ? (grad[i] as number) : value.grad + (grad[i] as number);
      }
      this.copyRuns(this.paramGrad, this.replayGrad, false);
    }
  }

  /** One instruction's backward for rows `lo…hi-1`, last row first (graph mode's order for a leaf). */
  private backwardInstruction(i: number, lo: number, hi: number): void {
    if (this.code[i] === FUSED_NEURON && (this.xBase[i] as number) >= 0 && (this.yBase[i] as number) >= 0) {
      this.neuronBackward(i, lo, hi);
      return;
    }
    const { data, grad, pre, code, exponent } = this;
    // Where the instruction writes (o) and reads its operands (ai, bi) in row 0, and how far each moves per row.
    const o = i;
    const so = this.stride[i] as number;
    const ai = this.a[i] as number;
    const sa = this.stride[ai] as number;
    const bi = this.b[i] as number;
    const sb = this.stride[bi] as number;
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
          grad[by]! += divBackwardB(x, y, g);
          break;
        }
        case OpCode.Neg: grad[ax]! += -g; break;
        case OpCode.Exp: grad[ax]! += g * (data[out] as number); break;
        case OpCode.Log: grad[ax]! += g / (data[ax] as number); break;
        case OpCode.Tanh: grad[ax]! += tanhBackward(data[out] as number, g); break;
        case OpCode.Sigmoid: grad[ax]! += sigmoidBackward(data[out] as number, g); break;
        case OpCode.Relu: if (reluPasses(data[ax] as number)) grad[ax]! += g; break;
        case OpCode.Pow: grad[ax]! += powBackward(data[ax] as number, exponent[i] as number, g); break;
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

  /**
   * Finds the layers the kernels may run (see {@link layers}): runs of two or more fused neurons,
   * consecutive in the forward program and in their slots (as an MLP's are: the next layer's dots
   * read them as one list, so the recording walks them in a row), that read one input list recorded
   * before the first of them (per row) with weights of their own (shared by every row), lists all
   * of one length, and biases shared by every row and apart from all the weights — so that no
   * neuron reads another's output and the kernels' writes cannot alias. A layer's backward runs
   * as one block when its neurons are live and consecutive in backward's program too; the
   * batched backward then runs instruction by instruction (see `instructionMajor`), and each grad
   * still takes its terms in graph mode's order.
   */
  private findLayers(): Layer[] {
    const { forwardProgram, neuronInfo, program, live, closedOver } = this;
    const position = new Int32Array(this.code.length).fill(-1);
    program.forEach((i, q) => (position[i] = q));
    const layers: Layer[] = [];
    const member = (i: number, first: NeuronOperands | null): NeuronOperands | null => {
      const info = neuronInfo[i] ?? null;
      if (info === null || closedOver[i] || info.biasStride !== 0 || info.vst !== this.rowSize || info.half === 0) return null;
      if ((info.xst === 0) === (info.yst === 0)) return null;
      if (first !== null && (info.v !== first.v || info.half !== first.half)) return null;
      return info;
    };
    for (let p = 0; p < forwardProgram.length; p++) {
      const i0 = forwardProgram[p] as number;
      const first = member(i0, null);
      if (first === null || first.v + first.half > i0) continue;
      let n = 1;
      while (p + n < forwardProgram.length && forwardProgram[p + n] === i0 + n && member(i0 + n, first) !== null) n++;
      if (n < 2 || n * first.half < MIN_LAYER_WEIGHTS) continue;
      const weights = Int32Array.from({ length: n }, (_, j) => (neuronInfo[i0 + j] as NeuronOperands).w);
      const biases = Int32Array.from({ length: n }, (_, j) => (neuronInfo[i0 + j] as NeuronOperands).bias);
      const ranges: [number, number][] = [...weights].map((w) => [w, w + first.half]);
      for (const b of biases) ranges.push([b, b + 1]);
      ranges.sort((r, q) => r[0] - q[0]);
      if (!ranges.every((r, j) => j === 0 || (ranges[j - 1] as [number, number])[1] <= r[0])) continue;
      let backward = this.instructionMajor;
      for (let j = 0; j < n; j++) if (!live[i0 + j] || position[i0 + j] !== (position[i0] as number) + j) backward = false;
      const index = layers.length;
      const readsInputs = first.v >= this.uniformSize && first.v + first.half <= this.uniformSize + this.inputCount;
      let relu = true;
      for (let j = 0; j < n; j++) if (this.act[i0 + j] !== ACT_RELU) relu = false;
      layers.push({ first: i0, n, n2: n + (n & 1), K: first.half, input: first.v, weights, biases, readsInputs, relu });
      this.layerStarting[p] = index;
      if (backward) this.layerEnding[(position[i0] as number) + n - 1] = index;
      p += n - 1;
    }
    return layers;
  }

  /** A layer's forward over `rows` rows on the kernels; returns how many instructions it ran. */
  private layerForward(index: number, kernels: LayerMemory, rows: number): number {
    const layer = this.layers[index] as Layer;
    const { data, pre, act, rowSize } = this;
    const { b, zg } = kernels;
    const { n, n2, first, biases, relu } = layer;
    for (let j = 0; j < n; j++) b[j] = data[biases[j] as number] as number;
    if (n2 > n) b[n] = 0;
    kernels.forward(layer, index, rows, rowSize);
    for (let r = 0; r < rows; r++) {
      const z0 = r * n2;
      const out = first + r * rowSize;
      for (let j = 0; j < n; j++) {
        const z = zg[z0 + j] as number;
        pre[out + j] = z;
        data[out + j] = relu ? reluForward(z) : activate(act[first + j] as number, z);
      }
    }
    return n;
  }

  /**
   * A layer's backward over `rows` rows: the activations' grads (JavaScript, as the ops compute
   * them), each bias's terms last row first, then the kernels' weight and input grads; returns how
   * many instructions it ran.
   */
  private layerBackward(index: number, kernels: LayerMemory, rows: number): number {
    const layer = this.layers[index] as Layer;
    const { data, grad, pre, act, rowSize } = this;
    const { zg } = kernels;
    const { n, n2, first, biases, relu } = layer;
    for (let r = 0; r < rows; r++) {
      const z0 = r * n2;
      const out = first + r * rowSize;
      for (let j = 0; j < n; j++) {
        const g = grad[out + j] as number;
        zg[z0 + j] = relu ? (reluPasses(pre[out + j] as number) ? 0 + g : 0) : activationBackward(act[first + j] as number, pre[out + j] as number, data[out + j] as number, g);
      }
    }
    for (let j = 0; j < n; j++) {
      const bias = biases[j] as number;
      let total = grad[bias] as number;
      for (let r = rows - 1; r >= 0; r--) total += zg[r * n2 + j] as number;
      grad[bias] = total;
    }
    // A layer that reads the graph's inputs adds nothing anyone reads when their grads are not wanted.
    kernels.backward(layer, index, rows, rowSize, this.inputGrads || !layer.readsInputs);
    return n;
  }

  /** A fused neuron's backward over consecutive operand lists, rows `lo…hi-1`, last row first. */
  private neuronBackward(i: number, lo: number, hi: number): void {
    const { data, grad, pre } = this;
    const { o, so, bias, biasStride, xa, xst, ya, yst, half, kind, w, v, vst } = this.neuronInfo[i] as NeuronOperands;
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
        const v3 = v + r * vst;
        fourDotsBackward(data, grad, w, v3 - 3 * vst, v3 - 2 * vst, v3 - vst, v3, half, g0, g1, g2, g3);
      }
    }
    for (; r >= lo; r--) {
      const out = o + r * so;
      const z = pre[out] as number;
      // The activation's, the +'s and the dot's backward rules in turn, as graph mode applies them.
      const gz = activationBackward(kind, z, data[out] as number, grad[out] as number);
      if (passesNothing(gz, z)) continue;
      grad[bias + r * biasStride]! += gz;
      dotBackwardOf(data, grad, xa + r * xst, ya + r * yst, half, gz);
    }
  }

  /** The address of operand `j` (an index into `args`) in row `r`. */
  private argAt(j: number, r: number): number {
    const s = this.args[j] as number;
    return s + r * (this.stride[s] as number);
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
      this.grad[at]! += logSumExpBackward(this.data[at] as number, result, g);
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
      const x = xs + r * (this.stride[xs] as number);
      const y = ys + r * (this.stride[ys] as number);
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
      dotBackwardOf(data, grad, xs + r * (this.stride[xs] as number), ys + r * (this.stride[ys] as number), half, g);
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
    for (const i of this.forwardProgram) {
      for (let r = 0; r < rows; r++) {
        const v = this.data[i + r * (this.stride[i] as number)] as number;
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
        const g = this.grad[i + r * (this.stride[i] as number)] as number;
        if (!Number.isFinite(g)) throw new AnomalyError(`backward made the grad of a ${this.opName(i)} node ${g} (compiled replay, row ${r})`);
      }
    }
    this.uniform.forEach((value, s) => {
      const g = this.grad[s] as number;
      if (this.live[s] && !Number.isFinite(g)) throw new AnomalyError(`backward made the grad of ${String(value)} ${g} (compiled replay)`);
    });
  }

  private opName(i: number): string {
    return this.code[i] === FUSED_NEURON ? "neuron (dot + bias, activation)" : (this.rules[i]?.name ?? OpCode[this.code[i] as number] ?? "op").toLowerCase();
  }
}

/** Where a fused neuron reads and writes: see `CompiledGraph.neuronOperands`. */
interface NeuronOperands {
  o: number; so: number; bias: number; biasStride: number;
  xa: number; xst: number; ya: number; yst: number;
  half: number; kind: number;
  w: number; v: number; vst: number;
}

/**
 * Finds each neuron's chain `dot → + bias → activation` that can run as one instruction — a
 * third of the dispatches, with the same float operations in the same order. A chain fuses only
 * when the recording made it, its `dot` and `+` feed nothing else and are not outputs, and graph
 * mode's backward would run its three nodes one after another (only leaves, which do nothing,
 * between them in topological order) — so no other node adds into a shared operand in between.
 * A linear neuron (`dot + bias`) fuses at its `+`. By position: for the last node `k` of a
 * neuron, its `dot`, its `bias` and its activation; `absorbed` marks the nodes it takes in.
 */
function findNeurons(graph: IndexedGraph): { dot: Int32Array; bias: Int32Array; activation: Uint8Array; absorbed: Uint8Array } {
  const { kind, code, uses, a, b } = graph;
  const n = kind.length;
  const dot = new Int32Array(n).fill(-1);
  const bias = new Int32Array(n).fill(-1);
  const activation = new Uint8Array(n);
  const absorbed = new Uint8Array(n);
  // How many op nodes come before each position: none between two positions is a subtraction.
  const opsBefore = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) opsBefore[k + 1] = (opsBefore[k] as number) + (code[k] !== OpCode.Leaf ? 1 : 0);
  const adjacent = (first: number, second: number) => first < second && opsBefore[second] === opsBefore[first + 1];
  const made = (k: number) => kind[k] === Kind.Made;
  // `dot + bias`, where the dot feeds nothing else and runs just before the +.
  const affine = (k: number) => made(k) && code[k] === OpCode.Add && made(a[k] as number) && code[a[k] as number] === OpCode.Dot && uses[a[k] as number] === 1 && adjacent(a[k] as number, k);
  for (let k = 0; k < n; k++) {
    const kindOf = made(k) ? ACTIVATION_OF[code[k] as number] : undefined;
    const sum = a[k] as number;
    if (kindOf !== undefined && affine(sum) && uses[sum] === 1 && adjacent(sum, k)) {
      dot[k] = a[sum] as number;
      bias[k] = b[sum] as number;
      activation[k] = kindOf;
      absorbed[sum] = absorbed[a[sum] as number] = 1;
    }
  }
  for (let k = 0; k < n; k++) {
    if (!absorbed[k] && (dot[k] as number) < 0 && affine(k)) {
      dot[k] = a[k] as number;
      bias[k] = b[k] as number;
      activation[k] = ACT_NONE;
      absorbed[a[k] as number] = 1;
    }
  }
  return { dot, bias, activation, absorbed };
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
export function compile(build: (inputs: Value[]) => Value | readonly Value[], inputs: readonly number[] = [], options: CompileOptions = {}): CompiledGraph {
  if (typeof build !== "function") throw new TypeError(`compile(build, inputs): build must be a function, got ${describe(build)}`);
  const given: unknown = inputs;
  if (!Array.isArray(given)) throw new TypeError(`compile(build, inputs): inputs must be an array of numbers, got ${describe(given)}`);
  inputs.forEach((x, i) => {
    if (typeof x !== "number" || Number.isNaN(x)) throw new TypeError(`compile(build, inputs): inputs[${i}] must be a number, got ${describe(x)}`);
  });
  const { simd, inputGrads, parameters } = checkOptions(options);
  const recording = record(build, inputs);
  const graph = indexGraph(recording);
  // Built again at other inputs, a recording that read the data it was given differs: caught
  // here, once, instead of replaying the branch it took for every row.
  for (const probe of probesOf(inputs)) {
    let other: IndexedGraph;
    try {
      other = indexGraph(record(build, probe));
    } catch {
      continue; // a domain the probe left (a bce probability outside [0, 1]): nothing to compare
    }
    const difference = firstDifference(graph, other);
    if (difference !== null) {
      throw new Error(
        `compile(build): build made another graph at other inputs — recorded at [${inputs.join(", ")}], at [${probe.join(", ")}]: ${difference}. ` +
          "It reads the data of the Values it is given or makes (an if on .data, a loop over data, a constant taken from .data), " +
          "and a replay would keep what it read for every row. Express the choice with ops (relu, max, min, clamp, abs), or record again for each case.",
      );
    }
  }
  return new CompiledGraph(graph, recording.inputs, simd, inputGrads, parameters);
}

/** Options for {@link compile}. */
export interface CompileOptions {
  /**
   * Whether batched replays may run layers on the WebAssembly SIMD kernels where this engine has
   * them (default `true`); `false` keeps the JavaScript kernels, for comparison. The results are
   * the same to the bit either way.
   */
  simd?: boolean;
  /**
   * Whether backward gives the inputs' gradients, read with `inputGrad`/`inputGradAt` (default
   * `true`). `false` is PyTorch's `requires_grad=False` for data: a training step's rows need
   * their weights' gradients only, and a first layer on the kernels skips a third of its work
   * (forward, weight grads, input grads). `inputGrad` and `inputGradAt` then throw.
   */
  inputGrads?: boolean;
  /**
   * Leaves whose numbers the replay takes from arrays instead of from the Values (see
   * {@link ParameterArrays}): what a training loop passes for a model's parameters, so that a
   * step reads and writes them as arrays rather than visiting each Value several times.
   */
  parameters?: ParameterArrays;
}

/**
 * Parameters kept in two arrays for compiled replays: `values[i]`'s number is `data[i]`, and its
 * gradient is `grad[i]`. A graph compiled with them reads `data` at every replay and, on backward,
 * adds each parameter's contributions to `grad[i]` in place, in graph mode's order — never
 * touching the Values themselves. Zero `grad` before a step's backward to get what
 * `zeroGrad(values)` then `backward()` gives, to the bit; several graphs given the same arrays
 * (a step recorded in parts) sum into them in the order their backward calls run, as
 * {@link onePass} does. Copying the numbers to and from the Values is the caller's (`Trainer`
 * does it once per step).
 */
export interface ParameterArrays {
  readonly values: readonly Value[];
  readonly data: Float64Array;
  readonly grad: Float64Array;
}

function checkOptions(options: CompileOptions): { simd: boolean; inputGrads: boolean; parameters: ParameterArrays | null } {
  const given: unknown = options;
  if (typeof given !== "object" || given === null) throw new TypeError(`compile(build, inputs, options): options must be an object like { simd: false }, got ${describe(given)}`);
  for (const key of Object.keys(options)) {
    if (key !== "simd" && key !== "inputGrads" && key !== "parameters") throw new TypeError(`compile(build, inputs, options): unknown option ${JSON.stringify(key)}; compile takes simd, inputGrads and parameters`);
  }
  const { simd = true, inputGrads = true, parameters } = options;
  if (typeof simd !== "boolean") throw new TypeError(`compile(build, inputs, options): simd must be true or false, got ${describe(simd)}`);
  if (typeof inputGrads !== "boolean") throw new TypeError(`compile(build, inputs, options): inputGrads must be true or false, got ${describe(inputGrads)}`);
  return { simd, inputGrads, parameters: parameters === undefined ? null : checkParameters(parameters) };
}

/** @throws TypeError unless `parameters` is a list of distinct Values and two Float64Arrays of its length. */
function checkParameters(parameters: ParameterArrays): ParameterArrays {
  const where = "compile(build, inputs, { parameters })";
  const given: unknown = parameters;
  if (typeof given !== "object" || given === null) throw new TypeError(`${where}: parameters must be an object { values, data, grad }, got ${describe(given)}`);
  const { values, data, grad } = parameters;
  if (!Array.isArray(values)) throw new TypeError(`${where}: parameters.values must be an array of Values, got ${describe(values)}`);
  const seen = new Map<Value, number>();
  values.forEach((v: unknown, i) => {
    if (!isValue(v) || v._op.arity !== 0) throw new TypeError(`${where}: parameters.values[${i}] must be a leaf Value, got ${describe(v)}`);
    const first = seen.get(v);
    if (first !== undefined) throw new TypeError(`${where}: parameters.values[${i}] is parameters.values[${first}] again; list each parameter once`);
    seen.set(v, i);
  });
  for (const [name, array] of [["data", data], ["grad", grad]] as const) {
    if (!(array instanceof Float64Array) || array.length !== values.length) {
      throw new TypeError(`${where}: parameters.${name} must be a Float64Array of ${values.length} numbers (one per value), got ${array instanceof Float64Array ? `${array.length}` : describe(array)}`);
    }
  }
  return parameters;
}

/** Views of `array`, one per run: `length[r]` entries from `start[r]`. */
function runViews(array: Float64Array, start: ArrayLike<number>, length: ArrayLike<number>): Float64Array[] {
  return Array.from({ length: start.length }, (_, r) => array.subarray(start[r], (start[r] as number) + (length[r] as number)));
}

/** Other inputs to build at: of the other sign, and larger, so that a branch on the data takes the other way. */
function probesOf(inputs: readonly number[]): number[][] {
  if (inputs.length === 0) return [];
  return [inputs.map((x) => -1.5 * x - 0.75), inputs.map((x) => 2.5 * x + 1.25)];
}
