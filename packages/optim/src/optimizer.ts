import { isValue, zeroGrad } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";

/** What every optimizer has: a learning rate that schedules may change, `step`, `zeroGrad`. */
export abstract class Optimizer {
  readonly params: readonly Value[];
  private rate: number;
  /** Where `step` copies the parameters' numbers for the update rule, which runs over arrays. */
  private readonly scratch: { data: Float64Array; grad: Float64Array };

  /** @throws TypeError unless `params` is an array of Values (`model.parameters()`). */
  constructor(params: readonly Value[], lr: number) {
    const given: unknown = params;
    if (!Array.isArray(given)) throw new TypeError(`${this.constructor.name}(params, options): params must be an array of Values, e.g. model.parameters(), got ${describe(given)}`);
    const bad = params.findIndex((p) => !isValue(p));
    if (bad >= 0) throw new TypeError(`${this.constructor.name}(params, options): params[${bad}] must be a Value, got ${describe(params[bad])}`);
    // A Value listed twice would take two updates a step, each from its own state: PyTorch warns
    // of it (and means to refuse it); here it is refused.
    const first = new Map<Value, number>();
    params.forEach((p, i) => {
      const seen = first.get(p);
      if (seen !== undefined) throw new TypeError(`${this.constructor.name}(params, options): params[${i}] is params[${seen}] again; list each parameter once`);
      first.set(p, i);
    });
    this.params = params;
    this.rate = checkLr(lr);
    this.scratch = { data: new Float64Array(params.length), grad: new Float64Array(params.length) };
  }

  /** The learning rate; set it between steps to follow a schedule. */
  get lr(): number {
    return this.rate;
  }

  set lr(value: number) {
    this.rate = checkLr(value);
  }

  /** Updates every parameter's `data` from its `grad`. */
  step(): void {
    const { scratch: { data, grad }, params } = this;
    for (let i = 0; i < params.length; i++) {
      data[i] = (params[i] as Value).data;
      grad[i] = (params[i] as Value).grad;
    }
    this.update(data, grad);
    for (let i = 0; i < params.length; i++) (params[i] as Value).data = data[i] as number;
  }

  /**
   * {@link step} for parameters whose numbers are kept in arrays — parameter i's data `data[i]`
   * and grad `grad[i]` (`compile`'s `parameters`) — instead of in the Values: the same update,
   * to the bit, written into `data`; the Values are not touched.
   *
   * @throws TypeError unless both are Float64Arrays with one entry per parameter.
   */
  stepArrays(data: Float64Array, grad: Float64Array): void {
    this.checkArray(data, "data");
    this.checkArray(grad, "grad");
    this.update(data, grad);
  }

  private checkArray(given: unknown, name: string): void {
    if (!(given instanceof Float64Array) || given.length !== this.params.length) {
      throw new TypeError(`${this.constructor.name}.stepArrays(data, grad): ${name} must be a Float64Array of ${this.params.length} numbers, one per parameter, got ${given instanceof Float64Array ? `${given.length}` : describe(given)}`);
    }
  }

  /**
   * The update rule, over arrays: parameter i's data is `data[i]` and its grad `grad[i]`; it
   * writes the new data in place (and keeps its own state, such as momentum, by index).
   */
  protected abstract update(data: Float64Array, grad: Float64Array): void;

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

function describe(x: unknown): string {
  if (typeof x === "string") return `${JSON.stringify(x)} (string)`;
  if (typeof x === "object" && x !== null) return Array.isArray(x) ? "an array" : `an object (${x.constructor?.name ?? "Object"})`;
  return String(x);
}

/**
 * The options object of optimizer `name`, checked: an object whose keys are all in `known` —
 * a misspelt option (`weight_decay`, `amsgrad`) would otherwise be ignored without a word.
 *
 * @throws TypeError for a non-object or an unknown key, naming the keys it knows.
 */
export function checkOptions<T extends object>(name: string, options: T | undefined, known: readonly (keyof T & string)[], required: boolean): T {
  const given: unknown = options;
  if (given === undefined && !required) return {} as T;
  if (typeof given !== "object" || given === null || Array.isArray(given)) {
    throw new TypeError(`new ${name}(params, options): options must be an object like { ${known.join(", ")} }, got ${describe(given)}`);
  }
  for (const key of Object.keys(given)) {
    if (!(known as readonly string[]).includes(key)) {
      const hint = known.find((k) => k.toLowerCase() === key.replace(/_/g, "").toLowerCase());
      throw new TypeError(`new ${name}(params, options): unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}; ${name} takes ${known.join(", ")}`);
    }
  }
  return options as T;
}
