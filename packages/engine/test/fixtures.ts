import { readFileSync } from "node:fs";

/** A number from a fixture: JSON has no Infinity or NaN, so the generator writes them as strings. */
export type FixtureNumber = number | "Infinity" | "-Infinity" | "NaN";

/** Decodes a fixture number. */
export function num(x: FixtureNumber): number {
  return typeof x === "number" ? x : Number(x);
}

/** Reads a JSON fixture written by `scripts/pytorch/make_fixtures.py`. */
export function fixture<T>(url: URL): T {
  return JSON.parse(readFileSync(url, "utf8")) as T;
}

/**
 * Whether `actual` is within `ulps` units in the last place of `expected` (exactly equal, signed
 * zeros aside, when `ulps` is 0; both NaN counts as equal). V8's exp/log/tanh and glibc's, which
 * PyTorch uses, may differ in the last bit or two.
 */
export function withinUlps(actual: number, expected: number, ulps: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (actual === expected) return true;
  if (!Number.isFinite(expected)) return false;
  const ulp = Math.max(Number.MIN_VALUE, Math.abs(expected) * Number.EPSILON);
  return Math.abs(actual - expected) <= ulps * ulp;
}
