import { zeroGrad } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";

/** Anything with trainable parameters: a neuron, a layer, a whole network. */
export abstract class Module {
  /** Every trainable Value, in a documented, stable order. */
  abstract parameters(): Value[];

  /** Sets the grad of every parameter to 0 — call it before each `backward()`. */
  zeroGrad(): void {
    zeroGrad(this.parameters());
  }
}
