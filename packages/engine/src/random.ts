/**
 * A small seeded random number generator (mulberry32): the same seed gives the same numbers in
 * Node and in every browser, because it uses only 32-bit integer arithmetic.
 *
 * @example
 * const rng = new Random(42);
 * rng.uniform(-1, 1); // the same number on every machine
 */
export class Random {
  /** The seed this generator started from, so a run can be repeated. */
  readonly seed: number;
  private state: number;

  /** @throws TypeError if `seed` is not an integer. */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new TypeError(`new Random(seed): seed must be an integer, got ${String(seed)}`);
    }
    this.seed = seed;
    this.state = seed >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform number in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A normal sample (Box–Muller). */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.next(); // in (0, 1], so the log is finite
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}
