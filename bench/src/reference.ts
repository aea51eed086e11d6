import type { MLP } from "@micrograd/nn";

/**
 * micrograd's demo step written by hand over Float64Arrays, with no graph: forward, backward and
 * SGD for an MLP with ReLU hidden layers, a linear output, hinge loss and L2. It is the practical
 * speed limit for JavaScript that the engine is measured against.
 */
export class ReferenceStep {
  private readonly sizes: number[];
  private readonly w: Float64Array[];
  private readonly b: Float64Array[];
  private readonly gw: Float64Array[];
  private readonly gb: Float64Array[];
  private readonly acts: Float64Array[];
  private readonly deltas: Float64Array[];

  /** Copies `model`'s weights, so both start from the same point. */
  constructor(model: MLP) {
    this.sizes = [model.nin, ...model.nouts];
    this.w = model.layers.map((l) => Float64Array.from(l.neurons.flatMap((n) => n.w.map((v) => v.data))));
    this.b = model.layers.map((l) => Float64Array.from(l.neurons.map((n) => n.b.data)));
    this.gw = this.w.map((w) => new Float64Array(w.length));
    this.gb = this.b.map((b) => new Float64Array(b.length));
    this.acts = this.sizes.map((n) => new Float64Array(n));
    this.deltas = this.sizes.map((n) => new Float64Array(n));
  }

  /** One full-batch step on `xs` (rows) with labels ±1; returns the loss before the update. */
  step(xs: readonly number[][], ys: readonly number[], lr: number, alpha: number): number {
    const { sizes, w, b, gw, gb, acts, deltas } = this;
    const layers = sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      gw[l]!.fill(0);
      gb[l]!.fill(0);
    }
    let dataLoss = 0;
    const n = xs.length;
    for (let s = 0; s < n; s++) {
      acts[0]!.set(xs[s]!);
      for (let l = 0; l < layers; l++) {
        const nin = sizes[l]!, nout = sizes[l + 1]!, input = acts[l]!, out = acts[l + 1]!, wl = w[l]!, bl = b[l]!;
        for (let j = 0; j < nout; j++) {
          let z = bl[j]!;
          for (let i = 0; i < nin; i++) z += wl[j * nin + i]! * input[i]!;
          out[j] = l < layers - 1 && z < 0 ? 0 : z;
        }
      }
      const score = acts[layers]![0]!;
      const margin = 1 - ys[s]! * score;
      if (margin <= 0) continue;
      dataLoss += margin;
      deltas[layers]![0] = -ys[s]! / n;
      for (let l = layers - 1; l >= 0; l--) {
        const nin = sizes[l]!, nout = sizes[l + 1]!, input = acts[l]!, wl = w[l]!, gwl = gw[l]!, gbl = gb[l]!;
        const dOut = deltas[l + 1]!, dIn = deltas[l]!;
        dIn.fill(0);
        for (let j = 0; j < nout; j++) {
          const d = dOut[j]!;
          if (d === 0) continue;
          gbl[j]! += d;
          for (let i = 0; i < nin; i++) {
            gwl[j * nin + i]! += d * input[i]!;
            dIn[i]! += d * wl[j * nin + i]!;
          }
        }
        if (l > 0) for (let i = 0; i < nin; i++) if (input[i]! <= 0) dIn[i] = 0;
      }
    }
    let reg = 0;
    for (let l = 0; l < layers; l++) {
      for (const arr of [w[l]!, b[l]!]) for (let i = 0; i < arr.length; i++) reg += arr[i]! * arr[i]!;
    }
    for (let l = 0; l < layers; l++) {
      const wl = w[l]!, gwl = gw[l]!, bl = b[l]!, gbl = gb[l]!;
      for (let i = 0; i < wl.length; i++) wl[i]! -= lr * (gwl[i]! + 2 * alpha * wl[i]!);
      for (let j = 0; j < bl.length; j++) bl[j]! -= lr * (gbl[j]! + 2 * alpha * bl[j]!);
    }
    return dataLoss / n + alpha * reg;
  }
}
