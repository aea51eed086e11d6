import { KERNELS_WASM } from "./kernels.wasm.js";

/**
 * A layer of fused neurons that the WebAssembly kernels run as one block: `n` neurons, at
 * consecutive slots from `first`, each reading the same `K` inputs per row (from slot `input` in
 * row 0) with weights and a bias of its own that every row shares.
 */
export interface Layer {
  first: number;
  n: number;
  /** `n` rounded up to even: the kernels' lanes come in pairs of neurons. */
  n2: number;
  K: number;
  input: number;
  /** Each neuron's first weight slot (its K weights follow). */
  weights: Int32Array;
  biases: Int32Array;
  /** Whether the input list is the graph's own inputs, whose grads `inputGrads: false` leaves out. */
  readsInputs: boolean;
  /** Whether every neuron's activation is ReLU, which the layer's own loops then apply inline. */
  relu: boolean;
}

interface Kernels {
  transpose(table: number, n: number, k: number, wt: number, n2: number): void;
  forward(wt: number, b: number, n2: number, k: number, x: number, xs: number, rows: number, z: number): void;
  nonzeros(x: number, xs: number, rows: number, k: number, list: number): number;
  forwardSparse(wt: number, b: number, n2: number, k: number, x: number, xs: number, rows: number, z: number, list: number): void;
  finite(at: number, count: number): number;
  blockRows(x: number, xs: number, rows: number, k: number, list: number, skipZeros: number): void;
  weightGrads(g: number, n2: number, n: number, k: number, x: number, xs: number, rows: number, table: number, list: number): void;
  inputGrads(g: number, n2: number, n: number, k: number, gx: number, xs: number, rows: number, table: number): void;
}

/** What the kernels need of WebAssembly; declared here because the engine builds without DOM or Node typings. */
interface WasmModule {
  readonly brand?: "WebAssembly.Module";
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const runtime = globalThis as { WebAssembly?: WasmApi; atob?: (text: string) => string };

let kernelModule: WasmModule | null | undefined;

/**
 * The kernels' module, compiled once per process — or `null` where WebAssembly or its SIMD
 * instructions are missing, or where the browser refuses to compile it synchronously, and
 * compiled mode then runs its JavaScript kernels, with the same results. The module is just
 * under 4 KB, the size above which older Chromium versions refuse a synchronous compile on a
 * page (the Chromium test compiles it on a page and in a worker).
 */
function kernels(): WasmModule | null {
  if (kernelModule === undefined) {
    kernelModule = null;
    const { WebAssembly: wasm, atob } = runtime;
    if (wasm && atob) {
      const bytes = Uint8Array.from(atob(KERNELS_WASM), (c) => c.charCodeAt(0));
      try {
        if (wasm.validate(bytes)) kernelModule = new wasm.Module(bytes);
      } catch (error) {
        // Chromium's RangeError for a synchronous compile on a page above its size limit.
        if (!(error instanceof RangeError)) throw error;
      }
    }
  }
  return kernelModule;
}

const PAGE = 65536;
/** A 32-bit WebAssembly memory's limit: 65,536 pages. */
const MAX_BYTES = 65536 * PAGE;

/**
 * A replay's `data`, `grad` and `pre` arrays, and the layers' scratch, in one WebAssembly memory,
 * so that the kernels work on them in place: no kernel call copies anything between JavaScript
 * and WebAssembly. Layout in bytes: the weight tables, the transposed weights, the biases,
 * the grads or results per row and neuron, the lists of inputs or rows the kernels take (see
 * forward and backward), then data, grad and pre.
 */
export class LayerMemory {
  data = new Float64Array(0);
  grad = new Float64Array(0);
  pre = new Float64Array(0);
  /** Scratch views: biases, per-row results or grads (see kernels.wat; the transposed weights and the lists are the kernels' alone). */
  b = new Float64Array(0);
  zg = new Float64Array(0);
  private readonly memory: WasmMemory;
  private readonly run: Kernels;
  private readonly maxN2: number;
  private readonly maxK: number;
  /** Byte offsets of the regions. */
  private wtAt = 0;
  private bAt = 0;
  private zgAt = 0;
  private listAt = 0;
  private dataAt = 0;
  private gradAt = 0;
  /** Per layer: where its weight-address table and its weight-grad-address table start (bytes). */
  private readonly tableAt: Int32Array;

  private constructor(wasm: WasmApi, module: WasmModule, private readonly layers: readonly Layer[]) {
    this.memory = new wasm.Memory({ initial: 1 });
    this.run = new wasm.Instance(module, { env: { memory: this.memory } }).exports as Kernels;
    this.maxN2 = Math.max(...layers.map((l) => l.n2));
    this.maxK = Math.max(...layers.map((l) => l.K));
    this.tableAt = new Int32Array(layers.length);
  }

  /** Memory for `layers`, or `null` when there are none or the kernels cannot run here. */
  static create(layers: readonly Layer[]): LayerMemory | null {
    const module = kernels();
    return module && runtime.WebAssembly && layers.length > 0 ? new LayerMemory(runtime.WebAssembly, module, layers) : null;
  }

  /** Lays the regions out for `size` slots and `rows` rows (contents are not kept). */
  resize(size: number, rows: number): void {
    const tables = this.layers.reduce((total, l) => total + 2 * l.n, 0) * 4;
    this.wtAt = align(tables);
    this.bAt = this.wtAt + this.maxK * this.maxN2 * 8;
    this.zgAt = align(this.bAt + this.maxN2 * 8);
    this.listAt = align(this.zgAt + rows * this.maxN2 * 8);
    this.dataAt = align(this.listAt + rows * (this.maxK + 1) * 4);
    this.gradAt = align(this.dataAt + size * 8);
    const preAt = align(this.gradAt + size * 8);
    const end = preAt + size * 8;
    if (end > MAX_BYTES) {
      throw new RangeError(`CompiledGraph.runBatch: ${rows} rows need ${(end / 2 ** 30).toFixed(1)} GB, more than the 4 GB WebAssembly memory the kernels work in; replay fewer rows at once, or compile with { simd: false }`);
    }
    const pages = Math.ceil(end / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    const { buffer } = this.memory;
    new Uint8Array(buffer).fill(0);
    this.b = new Float64Array(buffer, this.bAt, this.maxN2);
    this.zg = new Float64Array(buffer, this.zgAt, rows * this.maxN2);
    this.data = new Float64Array(buffer, this.dataAt, size);
    this.grad = new Float64Array(buffer, this.gradAt, size);
    this.pre = new Float64Array(buffer, preAt, size);
    const table = new Int32Array(buffer, 0, tables / 4);
    let at = 0;
    this.layers.forEach((l, index) => {
      this.tableAt[index] = at * 4;
      for (let j = 0; j < l.n; j++) {
        table[at + j] = this.dataAt + 8 * (l.weights[j] as number);
        table[at + l.n + j] = this.gradAt + 8 * (l.weights[j] as number);
      }
      at += 2 * l.n;
    });
  }

  /**
   * `zg[r·n2 + j]` = dot + bias of neuron j in row r, from the layer's weights in `data` (which
   * the kernels transpose into `wt` first) and its biases in `b` (filled by the caller). When
   * fewer than half the inputs are nonzero (pixels of a digit, a ReLU layer's outputs) and every
   * weight is finite, the sums take only the nonzero inputs' terms — the others add ±0, which
   * changes no sum (kernels.wat says why) — with the same bits.
   */
  forward(l: Layer, index: number, rows: number, rowSize: number): void {
    this.run.transpose(this.tableAt[index] as number, l.n, l.K, this.wtAt, l.n2);
    const x = this.dataAt + 8 * l.input;
    if (this.run.finite(this.wtAt, l.K * l.n2) && 2 * this.run.nonzeros(x, 8 * rowSize, rows, l.K, this.listAt) < rows * l.K) {
      this.run.forwardSparse(this.wtAt, this.bAt, l.n2, l.K, x, 8 * rowSize, rows, this.zgAt, this.listAt);
    } else this.run.forward(this.wtAt, this.bAt, l.n2, l.K, x, 8 * rowSize, rows, this.zgAt);
  }

  /**
   * Adds the layer's terms to its weights' grads and, when `inputs`, to its inputs' grads, from
   * the grads into its dots in `zg`. While every one of those grads is finite, the weights' grads
   * leave out the rows whose block of four inputs is all ±0, whose terms are ±0 (kernels.wat).
   */
  backward(l: Layer, index: number, rows: number, rowSize: number, inputs: boolean): void {
    const table = this.tableAt[index] as number;
    const x = this.dataAt + 8 * l.input;
    this.run.blockRows(x, 8 * rowSize, rows, l.K, this.listAt, this.run.finite(this.zgAt, rows * l.n2));
    this.run.weightGrads(this.zgAt, l.n2, l.n, l.K, x, 8 * rowSize, rows, table + 4 * l.n, this.listAt);
    if (inputs) this.run.inputGrads(this.zgAt, l.n2, l.n, l.K, this.gradAt + 8 * l.input, 8 * rowSize, rows, table);
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
