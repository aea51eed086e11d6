import { Random } from "@micrograd/engine";
import { MLP } from "@micrograd/nn";
import type { Activation } from "@micrograd/nn";
import { Adam, SGD } from "@micrograd/optim";
import type { Optimizer } from "@micrograd/optim";
import { moons, spiral } from "@micrograd/training";
import type { Dataset, LossName } from "@micrograd/training";

/** One benchmark: data, network, loss and optimizer, and how many steps make one timed run. */
export interface Workload {
  id: string;
  title: string;
  data: Dataset;
  sizes: number[];
  activation: Activation;
  loss: Extract<LossName, "hinge" | "crossEntropy">;
  l2: number;
  optimizer: { kind: "sgd" | "adam"; lr: number };
  /** Rows per step; the whole dataset for a full batch. */
  batchSize: number;
  /** Steps in one timed run: 1 for a step, a whole epoch for mini-batches. */
  steps: number;
  seed: number;
}

/**
 * Synthetic digit-like images: each of 10 classes is a fixed random pattern of `pixels` pixels
 * (each on with probability `density`), and each row draws its class's pattern with every pixel
 * flipped with probability `flip`, then inked by `ink` (from the pixel, 0 or 1, to 0…1).
 */
function patternDigits(name: string, rows: number, seed: number, pixels: number, density: number, flip: number, ink: (pixel: number, random: Random) => number): Dataset {
  const random = new Random(seed);
  const prototypes = Array.from({ length: 10 }, () => Array.from({ length: pixels }, () => (random.next() < density ? 1 : 0)));
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const k = i % 10;
    x.push((prototypes[k] as number[]).map((p) => ink(random.next() < flip ? 1 - p : p, random)));
    y.push(k);
  }
  return { name, x, y, classes: 10 };
}

/** Synthetic 8×8 "digits": stroke patterns on an 8×8 grid with jitter and noise — 64 features, 10 classes. */
export function digits(rows: number, seed: number): Dataset {
  return patternDigits("digits8x8", rows, seed, 64, 0.3, 0.08, (p, random) => Math.min(1, Math.max(0, p * 0.8 + random.uniform(0, 0.2))));
}

/** Synthetic 28×28 "digits" at MNIST's size: patterns on a 28×28 grid with jitter and noise — 784 features, 10 classes. */
export function mnistLike(rows: number, seed: number): Dataset {
  return patternDigits("mnist-like", rows, seed, 784, 0.2, 0.05, (p, random) => p * random.uniform(0.6, 1));
}

const epoch = (n: number, batch: number) => Math.ceil(n / batch);

export const WORKLOADS: Workload[] = [
  {
    id: "a",
    title: "micrograd's demo step: moons 100, MLP(2,[16,16,1]) ReLU, hinge + 1e-4·L2, SGD, full batch (1 step)",
    data: moons({ n: 100, noise: 0.1, seed: 0 }),
    sizes: [2, 16, 16, 1], activation: "relu", loss: "hinge", l2: 1e-4,
    optimizer: { kind: "sgd", lr: 0.01 }, batchSize: 100, steps: 1, seed: 0,
  },
  {
    id: "b",
    title: "spiral, 3 classes, 300 points, MLP(2,[32,32,3]) tanh, crossEntropy, Adam, batch 32 (1 epoch, 10 steps)",
    data: spiral({ n: 300, classes: 3, seed: 0 }),
    sizes: [2, 32, 32, 3], activation: "tanh", loss: "crossEntropy", l2: 0,
    optimizer: { kind: "adam", lr: 0.01 }, batchSize: 32, steps: epoch(300, 32), seed: 0,
  },
  {
    id: "c",
    title: "8×8 digit-like, 10 classes, 1,800 rows, MLP(64,[32,10]) ReLU, crossEntropy, Adam, batch 32 (1 epoch, 57 steps)",
    data: digits(1800, 0),
    sizes: [64, 32, 10], activation: "relu", loss: "crossEntropy", l2: 0,
    optimizer: { kind: "adam", lr: 0.001 }, batchSize: 32, steps: epoch(1800, 32), seed: 0,
  },
  {
    id: "m",
    title: "MNIST size: 28×28 digit-like, 10 classes, 2,048 rows, MLP(784,[128,10]) ReLU, crossEntropy, Adam, batch 64 (1 epoch, 32 steps)",
    data: mnistLike(2048, 0),
    sizes: [784, 128, 10], activation: "relu", loss: "crossEntropy", l2: 0,
    optimizer: { kind: "adam", lr: 0.001 }, batchSize: 64, steps: epoch(2048, 64), seed: 0,
  },
];

/**
 * The workload's network; every implementation starts from these weights. `storage` is where its
 * parameters keep their numbers (the same numbers either way): compiled mode trains a model with
 * its parameters in arrays, as the CLI and the demo do.
 */
export function makeModel(w: Workload, storage: "values" | "arrays" = "values"): MLP {
  return new MLP(w.sizes[0] as number, w.sizes.slice(1), { activation: w.activation, seed: 1337, storage });
}

/** The workload's optimizer over `model`'s parameters. */
export function makeOptimizer(w: Workload, model: MLP): Optimizer {
  return w.optimizer.kind === "sgd" ? new SGD(model.parameters(), { lr: w.optimizer.lr }) : new Adam(model.parameters(), { lr: w.optimizer.lr });
}

/** The rows of each step of the first epoch, in the order `Trainer` takes them (its seeded shuffle). */
export function epochBatches(w: Workload): Int32Array[] {
  const n = w.data.x.length;
  const all = Array.from({ length: n }, (_, i) => i);
  if (w.batchSize >= n) return [Int32Array.from(all)];
  const order = new Random(w.seed).shuffle(all);
  const batches: Int32Array[] = [];
  for (let at = 0; at < n; at += w.batchSize) batches.push(Int32Array.from(order.slice(at, at + w.batchSize)));
  return batches;
}
