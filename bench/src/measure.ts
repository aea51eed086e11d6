/**
 * Milliseconds per call of `fn`: the fastest of `samples` timed rounds of `perSample` calls,
 * after `warmup` calls. The fastest, not the median, because on a shared machine interference
 * only ever adds time.
 */
export function msPerCall(fn: () => void, { warmup = 20, samples = 15, perSample = 10 } = {}): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < perSample; i++) fn();
    times.push((performance.now() - start) / perSample);
  }
  return Math.min(...times);
}

/** Heap bytes that `make` allocates and keeps alive, measured with garbage collection forced. */
export function retainedBytes<T>(make: () => T): { bytes: number; value: T } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc to measure memory");
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const value = make();
  gc();
  gc();
  return { bytes: process.memoryUsage().heapUsed - before, value };
}
