import { checkRange } from "./optimizer.js";

/** A learning-rate schedule: the rate to use at step `step` (counting from 0). */
export type Schedule = (step: number) => number;

/**
 * Linear decay from `start` to `end` over `steps` steps — micrograd's demo uses
 * `linearDecay(1.0, 0.1, 100)`, i.e. `lr = 1 - 0.9·k/100`.
 */
export function linearDecay(start: number, end: number, steps: number): Schedule {
  checkRange("linearDecay steps", steps, 1, Infinity, false);
  return (step) => start + ((end - start) * Math.min(step, steps)) / steps;
}

/** Multiplies the rate by `gamma` every `every` steps, like PyTorch's `StepLR`. */
export function stepDecay(initial: number, gamma: number, every: number): Schedule {
  checkRange("stepDecay every", every, 1, Infinity, false);
  return (step) => initial * gamma ** Math.floor(step / every);
}

/**
 * Cosine annealing from `initial` to `min` over `steps` steps: PyTorch's `CosineAnnealingLR` up
 * to `steps`, then it stays at `min` (PyTorch's formula would rise again, as a restart would).
 */
export function cosineDecay(initial: number, steps: number, min = 0): Schedule {
  checkRange("cosineDecay steps", steps, 1, Infinity, false);
  return (step) => min + ((initial - min) * (1 + Math.cos((Math.PI * Math.min(step, steps)) / steps))) / 2;
}
