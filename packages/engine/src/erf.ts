/**
 * The error function, which JavaScript's Math lacks: `gelu()` built on it matches PyTorch's (which
 * calls glibc's erf) within 4 ulps at every fixture point (pytorch.test.ts). Below |x| = 3 it
 * sums erf's Taylor series in double-double arithmetic (a number carried as the sum of two
 * doubles, so the series' cancellation costs nothing); from 3 to 6 it takes
 * erfc's continued fraction, where erf = 1 - erfc is within a rounding of 1; beyond 6, erf is ±1
 * in double precision.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 3) return taylor(x);
  if (ax >= 6) return Math.sign(x);
  return Math.sign(x) * (1 - erfcFraction(ax));
}

/** A double-double: `hi + lo`, with |lo| at most half an ulp of `hi`. */
type DD = [number, number];

/** 2²⁷ + 1: Dekker's constant for splitting a double into two halves that multiply exactly. */
const SPLIT = 134217729;

/** `a + b` and its rounding error (Knuth). */
function twoSum(a: number, b: number): DD {
  const s = a + b;
  const v = s - a;
  return [s, a - (s - v) + (b - v)];
}

/** `a·b` and its rounding error (Dekker, without a fused multiply-add). */
function twoProduct(a: number, b: number): DD {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** Renormalises `hi + lo` as a double-double. */
function fast([hi, lo]: DD): DD {
  const s = hi + lo;
  return [s, lo - (s - hi)];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  return fast([s, e + a[1] + b[1]]);
}

function multiply(a: DD, b: DD): DD {
  const [p, e] = twoProduct(a[0], b[0]);
  return fast([p, e + a[0] * b[1] + a[1] * b[0]]);
}

function divide(a: DD, b: number): DD {
  const q = a[0] / b;
  const [p, e] = twoProduct(q, b);
  return fast([q, (a[0] - p - e + a[1]) / b]);
}

/** 2/√π as a double-double. */
const TWO_OVER_SQRT_PI: DD = [1.1283791670955126, 1.533545961316588e-17];

/** erf x = 2/√π · Σ (-1)ⁿ x^(2n+1) / (n!(2n+1)), summed in double-double until the terms vanish. */
function taylor(x: number): number {
  const square = twoProduct(x, x);
  let power: DD = [x, 0];
  let sum: DD = [x, 0];
  for (let n = 1; n < 200; n++) {
    power = divide(multiply(power, square), -n);
    const term = divide(power, 2 * n + 1);
    sum = add(sum, term);
    if (Math.abs(term[0]) < 1e-34 * Math.abs(sum[0])) break;
  }
  const [hi, lo] = multiply(sum, TWO_OVER_SQRT_PI);
  return hi + lo;
}

/** erfc x for x ≥ 3, by its continued fraction `e^(-x²)/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …))))` (modified Lentz). */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = 1 / (d === 0 ? tiny : d);
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}
