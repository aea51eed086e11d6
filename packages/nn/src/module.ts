import { zeroGrad } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";

/**
 * Makes `module[field]` read-only, and freezes it if it is an array: a module's parameters are
 * its Values for life, since a compiled graph or an optimizer made from `parameters()` holds
 * those very Values and would go on with them after a replacement, unseen. Assigning throws a
 * TypeError (modules are ES modules, so strict code); change a parameter's `data` instead.
 */
export function lockParameters<T extends object>(module: T, field: keyof T & string): void {
  const value = module[field];
  if (Array.isArray(value)) Object.freeze(value);
  Object.defineProperty(module, field, { value, writable: false, enumerable: true, configurable: false });
}

/** Anything with trainable parameters: a neuron, a layer, a whole network. */
export abstract class Module {
  /** Every trainable Value, in a documented, stable order. */
  abstract parameters(): Value[];

  /** Sets the grad of every parameter to 0 — call it before each `backward()`. */
  zeroGrad(): void {
    zeroGrad(this.parameters());
  }
}
