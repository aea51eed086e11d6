/**
 * How many {@link noGrad} calls are running. Shared through the symbol registry by every copy of
 * the engine in the process, as the anomaly switch is, so that a dependency's copy obeys too.
 */
export const gradMode: { off: number } = ((globalThis as Record<symbol, { off: number } | undefined>)[
  Symbol.for("@micrograd/engine/no-grad")
] ??= { off: 0 });

/**
 * Runs `fn` without recording a graph, like PyTorch's `with torch.no_grad():` — every op inside
 * returns a leaf holding the value, with no operands to back-propagate into (an evaluation, an
 * update of weights by hand). Calls nest; the recording resumes when the outermost returns, or
 * throws.
 *
 * @example
 * const accuracy = noGrad(() => model.forward(x)[0].data > 0);
 */
export function noGrad<T>(fn: () => T): T {
  gradMode.off += 1;
  try {
    return fn();
  } finally {
    gradMode.off -= 1;
  }
}

/** Whether ops record a graph now: false inside {@link noGrad}. */
export function isGradEnabled(): boolean {
  return gradMode.off === 0;
}
