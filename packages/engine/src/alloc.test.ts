import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { expect, it } from "vitest";
import { Value, compile, dot } from "./index.js";

// In a file of its own, so that it runs in a fresh process: after the property tests have fed
// the replay every op, V8's type feedback is another program's, and what it measures with it.
it("replays without allocating: 1,000 replays of a step, one row and a batch, leave the young generation as it was", async () => {
  // A 2-4-4-1 network of fused tanh neurons, its squared error against 1.
  const random = (k: number) => Math.sin(k * 12.9898) * 0.5;
  const layer = (nin: number, nout: number, at: number) => Array.from({ length: nout }, (_, j) => ({
    w: Array.from({ length: nin }, (_, i) => new Value(random(at + j * nin + i))), b: new Value(random(at + 100 + j)),
  }));
  const layers = [layer(2, 4, 0), layer(4, 4, 10), layer(4, 1, 30)];
  const step = compile((xs) => {
    let h: Value[] = xs;
    for (const neurons of layers) h = neurons.map((n) => dot(n.w, h).add(n.b).tanh());
    return (h[0] as Value).sub(1).pow(2);
  }, [0.5, -0.5]);
  const one = Float64Array.of(0.3, 0.7);
  const batch = Float64Array.from({ length: 64 }, (_, k) => random(k + 7));
  const replay = () => {
    step.run(one).backward();
    step.runBatch(batch, 32).backwardBatch();
  };
  let collections = 0;
  const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
  observer.observe({ entryTypes: ["gc"] });
  const young = () => getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.space_used_size ?? NaN;
  /** Bytes allocated per replay over 1,000 replays, from the young generation's growth; null if a collection came between. */
  const bytesPerReplay = async () => {
    collections = 0;
    const before = young();
    for (let k = 0; k < 1000; k++) replay();
    const after = young();
    await new Promise((resolve) => setTimeout(resolve, 0));
    return collections === 0 && after >= before ? (after - before) / 1000 : null;
  };
  // Until V8 has optimised the replay (on a loaded machine, seconds), interpreted code boxes its
  // numbers: the least of many measurements counts, each of 1,000 replays with no collection
  // between its two readings.
  const measured: number[] = [];
  const started = Date.now();
  while (Date.now() - started < 20_000 && !measured.some((b) => b < 16)) {
    const bytes = await bytesPerReplay();
    if (bytes !== null) measured.push(bytes);
  }
  observer.disconnect();
  expect(Math.min(...measured), `bytes a replay, least of ${measured.length} measurements`).toBeLessThan(16);
}, 60_000);
