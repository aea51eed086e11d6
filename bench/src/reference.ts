import type { MLP } from "@micrograd/nn";
import type { Workload } from "./workloads.js";

/**
 * The workloads written by hand over Float64Arrays, with no graph — the limit the engine is
 * measured against. Batch-major: a whole batch goes through a layer at once, each row's inputs
 * contiguous, and each neuron's weights are used for four rows per load (register blocking).
 * Forward, backward and the update are the same maths as the engine's: ReLU or tanh hidden
 * layers, a linear output, hinge or softmax cross-entropy (mean over the batch), L2, SGD or Adam.
 */
export class Reference {
  private readonly sizes: number[];
  private readonly tanh: boolean;
  private readonly w: Float64Array[];
  private readonly b: Float64Array[];
  private readonly gw: Float64Array[];
  private readonly gb: Float64Array[];
  private readonly mw: Float64Array[];
  private readonly vw: Float64Array[];
  private readonly mb: Float64Array[];
  private readonly vb: Float64Array[];
  private readonly acts: Float64Array[];
  private readonly deltas: Float64Array[];
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private t = 0;

  /** Copies `model`'s weights and the workload's data, so every implementation starts alike. */
  constructor(private readonly work: Workload, model: MLP) {
    this.sizes = work.sizes;
    this.tanh = work.activation === "tanh";
    this.w = model.layers.map((l) => Float64Array.from(l.neurons.flatMap((n) => n.w.map((v) => v.data))));
    this.b = model.layers.map((l) => Float64Array.from(l.neurons.map((n) => n.b.data)));
    const zeros = (a: Float64Array[]) => a.map((x) => new Float64Array(x.length));
    [this.gw, this.mw, this.vw] = [zeros(this.w), zeros(this.w), zeros(this.w)];
    [this.gb, this.mb, this.vb] = [zeros(this.b), zeros(this.b), zeros(this.b)];
    const rows = work.batchSize;
    this.acts = this.sizes.map((n) => new Float64Array(rows * n));
    this.deltas = this.sizes.map((n) => new Float64Array(rows * n));
    this.x = Float64Array.from(work.data.x.flat());
    this.y = Float64Array.from(work.data.y);
  }

  /** One step on the rows `batch`; returns the step's loss (before the update). */
  step(batch: Int32Array): number {
    const { sizes, acts, x } = this;
    const n = batch.length;
    const nin0 = sizes[0] as number;
    const a0 = acts[0] as Float64Array;
    for (let r = 0; r < n; r++) a0.set(x.subarray((batch[r] as number) * nin0, ((batch[r] as number) + 1) * nin0), r * nin0);
    const layers = sizes.length - 1;
    for (let l = 0; l < layers; l++) this.forwardLayer(l, n, l < layers - 1);
    const loss = this.lossAndDelta(batch, n);
    for (let l = layers - 1; l >= 0; l--) this.backwardLayer(l, n);
    return loss + this.update();
  }

  private forwardLayer(l: number, n: number, hidden: boolean): void {
    const nin = this.sizes[l] as number;
    const nout = this.sizes[l + 1] as number;
    const input = this.acts[l] as Float64Array;
    const out = this.acts[l + 1] as Float64Array;
    const w = this.w[l] as Float64Array;
    const b = this.b[l] as Float64Array;
    const tanh = this.tanh;
    let r = 0;
    for (; r + 4 <= n; r += 4) {
      const i0 = r * nin, i1 = i0 + nin, i2 = i1 + nin, i3 = i2 + nin;
      for (let j = 0; j < nout; j++) {
        let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
        const wj = j * nin;
        for (let k = 0; k < nin; k++) {
          const wk = w[wj + k] as number;
          z0 += wk * (input[i0 + k] as number);
          z1 += wk * (input[i1 + k] as number);
          z2 += wk * (input[i2 + k] as number);
          z3 += wk * (input[i3 + k] as number);
        }
        const bj = b[j] as number;
        out[r * nout + j] = activate(z0 + bj, hidden, tanh);
        out[(r + 1) * nout + j] = activate(z1 + bj, hidden, tanh);
        out[(r + 2) * nout + j] = activate(z2 + bj, hidden, tanh);
        out[(r + 3) * nout + j] = activate(z3 + bj, hidden, tanh);
      }
    }
    for (; r < n; r++) {
      const i0 = r * nin;
      for (let j = 0; j < nout; j++) {
        let z = 0;
        const wj = j * nin;
        for (let k = 0; k < nin; k++) z += (w[wj + k] as number) * (input[i0 + k] as number);
        out[r * nout + j] = activate(z + (b[j] as number), hidden, tanh);
      }
    }
  }

  /** The batch's mean loss, and its gradient with respect to the last layer's outputs. */
  private lossAndDelta(batch: Int32Array, n: number): number {
    const layers = this.sizes.length - 1;
    const k = this.sizes[layers] as number;
    const out = this.acts[layers] as Float64Array;
    const delta = this.deltas[layers] as Float64Array;
    let total = 0;
    for (let r = 0; r < n; r++) {
      const target = this.y[batch[r] as number] as number;
      if (this.work.loss === "hinge") {
        const label = target > 0 ? 1 : -1;
        const margin = 1 - label * (out[r] as number);
        total += margin > 0 ? margin : 0;
        delta[r] = margin > 0 ? -label / n : 0;
        continue;
      }
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, out[r * k + j] as number);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp((out[r * k + j] as number) - max);
      const logSum = Math.log(sum) + max;
      total += logSum - (out[r * k + target] as number);
      for (let j = 0; j < k; j++) delta[r * k + j] = (Math.exp((out[r * k + j] as number) - logSum) - (j === target ? 1 : 0)) / n;
    }
    return total / n;
  }

  private backwardLayer(l: number, n: number): void {
    const nin = this.sizes[l] as number;
    const nout = this.sizes[l + 1] as number;
    const input = this.acts[l] as Float64Array;
    const w = this.w[l] as Float64Array;
    const gw = (this.gw[l] as Float64Array).fill(0);
    const gb = (this.gb[l] as Float64Array).fill(0);
    const dOut = this.deltas[l + 1] as Float64Array;
    const dIn = this.deltas[l] as Float64Array;
    if (l === 0) {
      // The first layer's inputs need no gradient: only the weights', four rows per pass.
      let r = 0;
      for (; r + 4 <= n; r += 4) {
        const i0 = r * nin, i1 = i0 + nin, i2 = i1 + nin, i3 = i2 + nin;
        for (let j = 0; j < nout; j++) {
          const d0 = dOut[r * nout + j] as number, d1 = dOut[(r + 1) * nout + j] as number;
          const d2 = dOut[(r + 2) * nout + j] as number, d3 = dOut[(r + 3) * nout + j] as number;
          if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
          gb[j]! += d0 + d1 + d2 + d3;
          const wj = j * nin;
          for (let k = 0; k < nin; k++) {
            gw[wj + k]! += d0 * (input[i0 + k] as number) + d1 * (input[i1 + k] as number) + d2 * (input[i2 + k] as number) + d3 * (input[i3 + k] as number);
          }
        }
      }
      for (; r < n; r++) {
        const ir = r * nin;
        for (let j = 0; j < nout; j++) {
          const d = dOut[r * nout + j] as number;
          if (d === 0) continue;
          gb[j]! += d;
          const wj = j * nin;
          for (let k = 0; k < nin; k++) gw[wj + k]! += d * (input[ir + k] as number);
        }
      }
      return;
    }
    dIn.fill(0, 0, n * nin);
    // Four rows per pass: each weight and its grad loaded once for four rows' terms.
    let r = 0;
    for (; r + 4 <= n; r += 4) {
      const i0 = r * nin, i1 = i0 + nin, i2 = i1 + nin, i3 = i2 + nin;
      for (let j = 0; j < nout; j++) {
        const d0 = dOut[r * nout + j] as number, d1 = dOut[(r + 1) * nout + j] as number;
        const d2 = dOut[(r + 2) * nout + j] as number, d3 = dOut[(r + 3) * nout + j] as number;
        if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
        gb[j]! += d0 + d1 + d2 + d3;
        const wj = j * nin;
        for (let k = 0; k < nin; k++) {
          const wk = w[wj + k] as number;
          gw[wj + k]! += d0 * (input[i0 + k] as number) + d1 * (input[i1 + k] as number) + d2 * (input[i2 + k] as number) + d3 * (input[i3 + k] as number);
          dIn[i0 + k]! += d0 * wk;
          dIn[i1 + k]! += d1 * wk;
          dIn[i2 + k]! += d2 * wk;
          dIn[i3 + k]! += d3 * wk;
        }
      }
    }
    for (; r < n; r++) {
      const ir = r * nin;
      for (let j = 0; j < nout; j++) {
        const d = dOut[r * nout + j] as number;
        if (d === 0) continue;
        gb[j]! += d;
        const wj = j * nin;
        for (let k = 0; k < nin; k++) {
          gw[wj + k]! += d * (input[ir + k] as number);
          dIn[ir + k]! += d * (w[wj + k] as number);
        }
      }
    }
    // Through the hidden activation, from its output a: relu' = (a > 0), tanh' = 1 - a².
    if (this.tanh) {
      for (let i = 0; i < n * nin; i++) {
        const a = input[i] as number;
        dIn[i] = (dIn[i] as number) * (1 - a * a);
      }
    } else {
      for (let i = 0; i < n * nin; i++) if (!((input[i] as number) > 0)) dIn[i] = 0;
    }
  }

  /** Adds L2's gradient, updates every parameter, and returns the L2 term of the loss. */
  private update(): number {
    this.t += 1;
    let reg = 0;
    for (let l = 0; l < this.w.length; l++) {
      reg += this.updateGroup(this.w[l] as Float64Array, this.gw[l] as Float64Array, this.mw[l] as Float64Array, this.vw[l] as Float64Array);
      reg += this.updateGroup(this.b[l] as Float64Array, this.gb[l] as Float64Array, this.mb[l] as Float64Array, this.vb[l] as Float64Array);
    }
    return this.work.l2 * reg;
  }

  /** SGD or Adam (PyTorch's equations) on one array of parameters; returns Σ p² for L2. */
  private updateGroup(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array): number {
    const { l2, optimizer } = this.work;
    const lr = optimizer.lr;
    let reg = 0;
    if (optimizer.kind === "sgd") {
      for (let i = 0; i < p.length; i++) {
        const x = p[i] as number;
        reg += x * x;
        p[i] = x - lr * ((g[i] as number) + 2 * l2 * x);
      }
      return reg;
    }
    const b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const stepSize = lr / (1 - b1 ** this.t);
    const bias2Sqrt = Math.sqrt(1 - b2 ** this.t);
    for (let i = 0; i < p.length; i++) {
      const x = p[i] as number;
      reg += x * x;
      const grad = (g[i] as number) + 2 * l2 * x;
      const mi = b1 * (m[i] as number) + (1 - b1) * grad;
      const vi = b2 * (v[i] as number) + (1 - b2) * grad * grad;
      m[i] = mi;
      v[i] = vi;
      p[i] = x - (stepSize * mi) / (Math.sqrt(vi) / bias2Sqrt + eps);
    }
    return reg;
  }
}

function activate(z: number, hidden: boolean, tanh: boolean): number {
  if (!hidden) return z;
  return tanh ? Math.tanh(z) : z > 0 ? z : 0;
}
