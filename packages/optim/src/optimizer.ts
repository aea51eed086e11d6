import { zeroGrad } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";

/** What every optimizer has: a learning rate that schedules may change, `step`, `zeroGrad`. */
export abstract class Optimizer {
  readonly params: readonly Value[];
  private rate: number;

  constructor(params: readonly Value[], lr: number) {
    this.params = params;
    this.rate = checkLr(lr);
  }

  /** The learning rate; set it between steps to follow a schedule. */
  get lr(): number {
    return this.rate;
  }

  set lr(value: number) {
    this.rate = checkLr(value);
  }

  /** Updates every parameter's `data` from its `grad`. */
  abstract step(): void;

  /** Sets every parameter's grad to 0. */
  zeroGrad(): void {
    zeroGrad(this.params);
  }
}

function checkLr(lr: number): number {
  return checkRange("lr", lr, 0, Infinity, false);
}

/** @throws RangeError unless `value` is a finite number in [low, high] (or [low, high) when `includeHigh` is false). */
export function checkRange(name: string, value: unknown, low: number, high: number, includeHigh: boolean): number {
  const ok = typeof value === "number" && Number.isFinite(value) && value >= low && (includeHigh ? value <= high : value < high);
  if (!ok) {
    const range = `[${low}, ${high === Infinity ? "∞" : high}${includeHigh ? "]" : ")"}`;
    throw new RangeError(`${name} must be a finite number in ${range}, got ${String(value)}`);
  }
  return value;
}
