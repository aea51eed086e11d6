import type { Feature, TrainConfig } from "./config.js";

/** Messages the page sends to the training worker. */
export type ToWorker =
  | { type: "configure"; config: TrainConfig; keepWeights: boolean; custom: CustomData | null }
  | { type: "play" }
  | { type: "pause" }
  | { type: "step" }
  | { type: "reset" }
  | { type: "export" }
  | { type: "setWeight"; layer: number; neuron: number; input: number; value: number };

/** Points loaded from the user's CSV: coordinates, class indexes, and the class names. */
export interface CustomData {
  name: string;
  x: number[][];
  y: number[];
  classes: string[];
}

/** A snapshot the worker sends after a step or a burst of steps. */
export interface TrainState {
  type: "state";
  step: number;
  playing: boolean;
  /** How many messages the worker had handled when it took this snapshot: the page trusts `playing` once it is all it sent. */
  handled: number;
  /** Accuracy on the training points with the current weights (null for a regression). */
  accuracy: number | null;
  problem: "classification" | "regression";
  /** The data loss (no penalty) on all the training points with the current weights: the test loss's twin. */
  trainLoss: number;
  /** The data loss on the test points with the current weights, computed as `trainLoss` is; null without test data. */
  testLoss: number | null;
  /** The regularization penalty on the current weights (0 without one): what training minimises is `trainLoss` plus this. */
  penalty: number;
  /** Every point (`c` its class, or its value for a regression); `test` marks the held-out ones. */
  points: Point[];
  classes: number;
  bounds: { x0: number; x1: number; y0: number; y1: number };
  /** GRID × GRID cells, row by row from the top: predicted class and confidence in [0, 1] (for a regression: the value, and 0). */
  heat: Float32Array;
  /** Every neuron's output over a coarser MAP_GRID × MAP_GRID grid, neuron by neuron (layer by layer), rows from the top. */
  neuronMaps: Float32Array;
  /** Per layer, per neuron: its weights then its bias. */
  weights: number[][][];
  sizes: number[];
  /** Added points left out because the data has no class of theirs (class 2 on two-class data). */
  ignoredPoints: number;
  /** The features the network reads, in the order of its inputs. */
  features: Feature[];
}

/** A data point: its coordinates, its class (or its value for a regression), and whether it is held out. */
export interface Point {
  x: number;
  y: number;
  c: number;
  test: boolean;
}

/** A snapshot as the worker sends it: the points only when they changed (null: as in the last one). */
export type TrainMessage = Omit<TrainState, "points"> & { points: Point[] | null };

/** The trained model, as micrograd JSON and as ONNX (inputs `x` and `y`, class names "0", "1", …). */
export interface ExportedModel {
  type: "export";
  json: string;
  onnx: Uint8Array;
  /** The ONNX file's input and output names, read back from the file itself. */
  inputs: string[];
  outputs: string[];
}

/** The worker's messages. */
export type FromWorker = TrainMessage | ExportedModel | { type: "error"; message: string };

export const GRID = 48;
export const MAP_GRID = 16;
