import { Random } from "@micrograd/engine";

/** Rows of features `x` with a target `y` each: a class index (0, 1, …) or a number. */
export interface Dataset {
  name: string;
  x: number[][];
  y: number[];
  /** Number of classes; 0 for a regression target. */
  classes: number;
}

/**
 * Rows of features stored flat, for data too big for an array per row: row `i`'s features are
 * `x[i·width … (i+1)·width)`, its target `y[i]`. {@link train}, {@link Trainer} and
 * {@link evaluate} take it wherever they take a {@link Dataset}, with the same results.
 *
 * @example
 * const data: FlatDataset = { name: "xor", x: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), width: 2, y: [0, 1, 1, 0], classes: 2 };
 */
export interface FlatDataset {
  name: string;
  x: Float64Array;
  /** Features per row. */
  width: number;
  y: Float64Array | readonly number[];
  /** Number of classes; 0 for a regression target. */
  classes: number;
}

/** The number of rows of a dataset, either kind. */
export function rowCount(data: Dataset | FlatDataset): number {
  return isFlat(data) ? data.y.length : data.x.length;
}

/** Whether a dataset is stored flat. */
export function isFlat(data: Dataset | FlatDataset): data is FlatDataset {
  return data.x instanceof Float64Array;
}

/** Options shared by the generated 2-D datasets. */
export interface ToyOptions {
  /** Number of points; default 100. */
  n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  noise?: number;
  /** Default 0. */
  seed?: number;
  /** Number of classes, for `spiral` and `blobs`; default 3. */
  classes?: number;
}

function setup(options: ToyOptions, defaultNoise: number) {
  const n = options.n ?? 100;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`dataset size must be an integer ≥ 2, got ${n}`);
  const noise = options.noise ?? defaultNoise;
  if (!Number.isFinite(noise) || noise < 0) throw new RangeError(`noise must be a finite number ≥ 0, got ${noise}`);
  const classes = options.classes ?? 3;
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`classes must be an integer ≥ 2, got ${classes}`);
  const random = new Random(options.seed ?? 0);
  const jitter = (v: number) => v + random.normal(0, noise);
  return { n, noise, classes, random, jitter };
}

/** Points on a grid of `count` evenly spaced values from `start` (inclusive) to `stop`. */
function linspace(start: number, stop: number, count: number, endpoint = true): number[] {
  const step = (stop - start) / (endpoint ? Math.max(1, count - 1) : count);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

/** Two interleaving half circles, as scikit-learn's `make_moons` (micrograd's demo: n 100, noise 0.1). */
export function moons(options: ToyOptions = {}): Dataset {
  const { n, jitter } = setup(options, 0.1);
  const outer = Math.floor(n / 2);
  const x: number[][] = [];
  const y: number[] = [];
  for (const t of linspace(0, Math.PI, outer)) {
    x.push([jitter(Math.cos(t)), jitter(Math.sin(t))]);
    y.push(0);
  }
  for (const t of linspace(0, Math.PI, n - outer)) {
    x.push([jitter(1 - Math.cos(t)), jitter(0.5 - Math.sin(t))]);
    y.push(1);
  }
  return { name: "moons", x, y, classes: 2 };
}

/** A small circle inside a large one, as scikit-learn's `make_circles` (factor 0.5). */
export function circles(options: ToyOptions = {}): Dataset {
  const { n, jitter } = setup(options, 0.05);
  const outer = Math.floor(n / 2);
  const x: number[][] = [];
  const y: number[] = [];
  for (const [count, radius, label] of [[outer, 1, 0], [n - outer, 0.5, 1]] as const) {
    for (const t of linspace(0, 2 * Math.PI, count, false)) {
      x.push([jitter(radius * Math.cos(t)), jitter(radius * Math.sin(t))]);
      y.push(label);
    }
  }
  return { name: "circles", x, y, classes: 2 };
}

/** Points in [-1, 1]² labelled 1 where x·y < 0 (the XOR quadrants), kept clear of the axes. */
export function xor(options: ToyOptions = {}): Dataset {
  const { n, random, jitter } = setup(options, 0.05);
  const x: number[][] = [];
  const y: number[] = [];
  const coordinate = () => {
    const v = random.uniform(0.1, 1);
    return random.next() < 0.5 ? -v : v;
  };
  for (let i = 0; i < n; i++) {
    const a = coordinate();
    const b = coordinate();
    x.push([jitter(a), jitter(b)]);
    y.push(a * b < 0 ? 1 : 0);
  }
  return { name: "xor", x, y, classes: 2 };
}

/** Interleaved spiral arms, one per class (CS231n's spiral); noise perturbs the angle. */
export function spiral(options: ToyOptions = {}): Dataset {
  const { n, noise, classes, random } = setup(options, 0.2);
  const x: number[][] = [];
  const y: number[] = [];
  for (let k = 0; k < classes; k++) {
    const count = Math.floor(n / classes) + (k < n % classes ? 1 : 0);
    linspace(0, 1, count).forEach((r, i) => {
      const t = ((k + i / Math.max(1, count - 1)) * 4 * 3) / classes + random.normal(0, noise);
      x.push([r * Math.sin(t), r * Math.cos(t)]);
      y.push(k);
    });
  }
  return { name: "spiral", x, y, classes };
}

/** Gaussian blobs, one per class, centred evenly on a circle of radius 2; noise is their spread. */
export function blobs(options: ToyOptions = {}): Dataset {
  const { n, classes, jitter } = setup(options, 0.5);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    const angle = (2 * Math.PI * k) / classes;
    x.push([jitter(2 * Math.cos(angle)), jitter(2 * Math.sin(angle))]);
    y.push(k);
  }
  return { name: "blobs", x, y, classes };
}

/** The generated datasets by name, for apps that let users pick one. */
export const toyDatasets = { moons, circles, xor, spiral, blobs } as const;

/** The name of a generated dataset. */
export type ToyDatasetName = keyof typeof toyDatasets;
