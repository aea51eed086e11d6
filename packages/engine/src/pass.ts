import type { Value } from "./value.js";

/**
 * The leaves one backward pass has reached: each one's grad set aside and zeroed, so that the
 * pass sums its contributions apart, and added back at the end — PyTorch's AccumulateGrad.
 */
export class LeafPass {
  private readonly held: Value[] = [];
  private readonly before: number[] = [];

  /**
   * Sets `leaf`'s grad aside and zeroes it — once per pass, told by the leaf's stamp: a pass that
   * several backward calls share keeps what it has summed. A grad of +0 needs no setting aside —
   * summing onto it is summing from +0 — which is every parameter in a training step after
   * zeroGrad: there, holding cost nothing, where listing every leaf made a compiled step of a
   * 2,400-parameter network 60 % slower.
   */
  hold(leaf: Value): void {
    if (leaf._pass === this) return;
    leaf._pass = this;
    if (Object.is(leaf.grad, 0)) return;
    this.held.push(leaf);
    this.before.push(leaf.grad);
    leaf.grad = 0;
  }

  /** Adds each leaf's summed contributions to the grad it had before the pass, and lets the leaves go. */
  finish(): void {
    const { held, before } = this;
    for (let i = 0; i < held.length; i++) {
      const leaf = held[i] as Value;
      leaf.grad = (before[i] as number) + leaf.grad;
    }
    held.length = 0;
    before.length = 0;
  }
}

/**
 * The pass {@link onePass} has open, if any — shared through the symbol registry by every copy of
 * the engine in the process, so that a compiled graph from a dependency's copy joins it too.
 */
const state: { open: LeafPass | null } = ((globalThis as Record<symbol, { open: LeafPass | null } | undefined>)[
  Symbol.for("@micrograd/engine/pass")
] ??= { open: null });

/** The pass a backward call joins: the one {@link onePass} opened, or a new one of its own. */
export function joinPass(): LeafPass {
  return state.open ?? new LeafPass();
}

/** The pass {@link onePass} has open, or null: a compiled replay sums its own pass in place, allocating nothing. */
export function sharedPass(): LeafPass | null {
  return state.open;
}

/** Ends `pass` if it is a backward call's own; {@link onePass}'s ends when its function returns. */
export function leavePass(pass: LeafPass): void {
  if (pass !== state.open) pass.finish();
}

/**
 * Runs `fn`, whose backward calls — `Value.backward`, `CompiledGraph.backward`/`backwardBatch` —
 * then count as one pass, as PyTorch's one `loss.backward()` over a graph they split: each
 * leaf's contributions from all of them are summed, in the order the calls make them, and the sum
 * is added to its grad once, at the end. A step recorded in two parts (the rows, then the batch's
 * loss) gives graph mode's grads to the bit this way. Nested calls join the outer pass.
 *
 * @example
 * onePass(() => {
 *   head.backward();
 *   rows.backwardBatch(seeds);
 * });
 */
export function onePass<T>(fn: () => T): T {
  if (state.open) return fn();
  const pass = new LeafPass();
  state.open = pass;
  try {
    return fn();
  } finally {
    state.open = null;
    pass.finish();
  }
}
