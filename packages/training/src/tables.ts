import type { Dataset } from "./dataset.js";

/** Seed 000's AND-gate truth table: 1 only for (1, 1). */
export function andGate(): Dataset {
  return { name: "and", x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 0, 0, 1], classes: 2 };
}

/** Seed 002's four rows and their targets ±1 (a regression target: tanh outputs fit it). */
export function seed002Rows(): Dataset {
  return {
    name: "seed002",
    x: [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]],
    y: [1, -1, -1, 1],
    classes: 0,
  };
}

/** Seed 003's four rows: y is the first input (the others are distractions). */
export function seed003Rows(): Dataset {
  return { name: "seed003", x: [[0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 1, 1]], y: [0, 1, 1, 0], classes: 2 };
}
