import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INPUTS, build, rawExprArbitrary } from "../test/expressions.js";
import { AnomalyError, ShapeError, Value, bce, bceWithLogits, compile, detectAnomaly, dot, onePass, sum } from "./index.js";

/** Leaf values for the fuzzers: mostly moderate, sometimes large enough to overflow exp or make NaN. */
const leafValue = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -2, max: 2, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 800, -800, 1e4) },
);
/** Starting grads: what an earlier backward left behind, -0 included (a pass adds its sum to it). */
const startGrad = fc.oneof(fc.constantFrom(0, -0), fc.double({ min: -3, max: 3, noNaN: true }));
const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

describe("compile", () => {
  it("replays random programs with several outputs, starting grads and computed biases with graph mode's bits", () => {
    fc.assert(
      fc.property(
        fc.array(rawExprArbitrary, { minLength: 1, maxLength: 3 }),
        fc.array(leafValue, { minLength: 2 * INPUTS, maxLength: 2 * INPUTS }),
        fc.array(startGrad, { minLength: INPUTS, maxLength: INPUTS }),
        (exprs, xs, grads) => {
          const first = xs.slice(0, INPUTS);
          const second = xs.slice(INPUTS);
          // Leaves closed over by the recording, changed between replays as an optimizer would.
          const params = first.map((x) => new Value(x));
          let compiled;
          try {
            compiled = compile(() => exprs.map((e) => build(e, params, [])));
          } catch {
            return; // a bce whose probability rounded outside [0, 1] while recording
          }
          params.forEach((p, i) => ((p.data = second[i] as number), (p.grad = grads[i] as number)));
          compiled.run().backward();
          const fresh = second.map((x, i) => Object.assign(new Value(x), { grad: grads[i] as number }));
          let outputs;
          try {
            outputs = exprs.map((e) => build(e, fresh, []));
          } catch {
            return; // graph mode stops at a bce whose probability left [0, 1]; a replay gives NaN there
          }
          outputs[0]!.backward();
          expect(same(outputs.map((_, k) => compiled.output(k)), outputs.map((o) => o.data))).toBe(true);
          expect(same(params.map((p) => p.grad), fresh.map((v) => v.grad))).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("replays a batch of rows with graph mode's bits for one graph over all the rows", () => {
    // Leaf 0 is the row's input; leaves 1 and 2 are parameters shared by every row.
    fc.assert(
      fc.property(
        rawExprArbitrary,
        rawExprArbitrary,
        fc.array(leafValue, { minLength: 1, maxLength: 6 }),
        fc.array(leafValue, { minLength: 2, maxLength: 2 }),
        fc.array(startGrad, { minLength: 2, maxLength: 2 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (term, extra, rows, weights, grads, seeds) => {
          const params = weights.map((w, i) => Object.assign(new Value(w), { grad: grads[i] as number }));
          const row = (x: Value) => [build(term, [x, ...params], []), build(extra, [x, ...params], [])];
          let graph;
          try {
            graph = compile(([x]) => row(x as Value), [0.5]);
          } catch {
            return;
          }
          graph.runBatch(rows, rows.length).backwardBatch(seeds.slice(0, rows.length));
          const compiledGrads = params.map((p) => p.grad);
          params.forEach((p, i) => (p.grad = grads[i] as number));
          let outputs;
          try {
            outputs = rows.map((x) => row(new Value(x)));
          } catch {
            return;
          }
          dot(outputs.map((o) => o[0] as Value), seeds.slice(0, rows.length)).backward();
          expect(same(compiledGrads, params.map((p) => p.grad))).toBe(true);
          rows.forEach((_, r) => {
            expect(same([graph.outputAt(0, r), graph.outputAt(1, r)], outputs[r]!.map((o) => o.data))).toBe(true);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("runs batches of MLP-shaped layers on the WebAssembly SIMD kernels with graph mode's bits: outputs, weight and input grads", () => {
    // Widths and batch sizes that reach every part of the kernels: blocks of four rows and four
    // inputs and their tails, odd layers (a padded lane), activations mixed; numbers include 0,
    // -0 and values that overflow, so NaN and ±Infinity spread as graph mode spreads them; inputs
    // mostly zero or not, so that forward takes its sparse path or the dense one (an infinite
    // weight makes it take the dense one).
    const activations = ["relu", "tanh", "sigmoid", "linear"] as const;
    fc.assert(
      fc.property(
        // A first layer of at least 1,024 weights (above the kernels' threshold), then any layers.
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 0, max: 9 }),
        fc.array(fc.record({ width: fc.integer({ min: 1, max: 40 }), activation: fc.constantFrom(...activations) }), { minLength: 0, maxLength: 2 }),
        fc.constantFrom(...activations),
        fc.integer({ min: 2, max: 11 }),
        fc.array(leafValue, { minLength: 301, maxLength: 301 }),
        fc.array(startGrad, { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        // Tenths of the inputs that are ±0: past half, forward takes the nonzero inputs only.
        fc.integer({ min: 0, max: 10 }),
        (width, extra, more, activation, rows, numbers, grads, sharedFirst, zeroTenths) => {
          let next = 0;
          const take = () => numbers[next++ % numbers.length] as number;
          const inputs = Math.ceil(1024 / width) + extra;
          const layerSpecs = [{ width, activation }, ...more];
          const sizes = [inputs, ...layerSpecs.map((l) => l.width)];
          const layers = layerSpecs.map(({ activation }, l) => ({
            activation,
            neurons: Array.from({ length: sizes[l + 1] as number }, () => ({ w: Array.from({ length: sizes[l] as number }, () => new Value(take())), b: new Value(take()) })),
          }));
          const params = layers.flatMap((l) => l.neurons.flatMap((n) => [...n.w, n.b]));
          params.forEach((p, i) => (p.grad = grads[i % grads.length] as number));
          const startGrads = params.map((p) => p.grad);
          const row = (x: Value[]) => {
            let h = x;
            for (const { activation, neurons } of layers) {
              h = neurons.map((n) => {
                const z = (sharedFirst ? dot(h, n.w) : dot(n.w, h)).add(n.b);
                return activation === "linear" ? z : z[activation]();
              });
            }
            return sum(h).mul(0.5);
          };
          const data = Array.from({ length: rows * inputs }, (_, i) => ((i * 7919) % 10 < zeroTenths ? (i % 3 ? 0 : -0) : take()));
          const seeds = Array.from({ length: rows }, (_, r) => (r % 3 === 0 ? 0 : take()));
          const compiled = compile(row, new Array<number>(inputs).fill(0.5));
          expect(compiled.simd).toBe(true);
          compiled.runBatch(data, rows).backwardBatch(seeds);
          const compiledGrads = params.map((p) => p.grad);
          params.forEach((p, i) => (p.grad = startGrads[i] as number));
          const xs = Array.from({ length: rows }, (_, r) => data.slice(r * inputs, (r + 1) * inputs).map((v) => new Value(v)));
          const outputs = xs.map(row);
          dot(outputs, seeds).backward();
          expect(same(compiledGrads, params.map((p) => p.grad))).toBe(true);
          expect(same(outputs.map((_, r) => compiled.outputAt(0, r)), outputs.map((o) => o.data))).toBe(true);
          expect(same(xs.flatMap((x, r) => x.map((_, k) => compiled.inputGradAt(k, r))), xs.flatMap((x) => x.map((v) => v.grad)))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("skips zero inputs in forward only while every weight is finite: an infinite weight times a zero input is NaN, as in graph mode", () => {
    // 600 inputs, nine in ten of them ±0, into a layer of three neurons; neuron 1 has an
    // infinite weight where every row's input is ±0 (input 13), neuron 2 one where no row's is (input 11).
    const k = 600;
    const rows = 6;
    const neurons = Array.from({ length: 3 }, (_, j) => ({ w: Array.from({ length: k }, (_, i) => new Value(Math.sin(j * 31 + i))), b: new Value(0.25 * j) }));
    (neurons[1] as { w: Value[] }).w[13]!.data = Infinity;
    (neurons[2] as { w: Value[] }).w[11]!.data = -Infinity;
    const build = (x: Value[]) => sum(neurons.map((n) => dot(n.w, x).add(n.b).tanh()));
    const data = Array.from({ length: rows * k }, (_, i) => (i % k === 11 || (i * 7919) % 10 === 0 ? Math.cos(i) : i % 2 ? 0 : -0));
    const compiled = compile(build, new Array<number>(k).fill(0.5));
    expect(compiled.simd).toBe(true);
    compiled.runBatch(data, rows).backwardBatch();
    const compiledGrads = neurons.flatMap((n) => [...n.w, n.b].map((p) => p.grad));
    neurons.forEach((n) => [...n.w, n.b].forEach((p) => (p.grad = 0)));
    const outputs = Array.from({ length: rows }, (_, r) => build(data.slice(r * k, (r + 1) * k).map((v) => new Value(v))));
    sum(outputs).backward();
    expect(outputs.every((o) => Number.isNaN(o.data))).toBe(true);
    expect(same(outputs.map((_, r) => compiled.outputAt(0, r)), outputs.map((o) => o.data))).toBe(true);
    expect(same(compiledGrads, neurons.flatMap((n) => [...n.w, n.b].map((p) => p.grad)))).toBe(true);
  });

  it("leaves zero inputs out of the weights' gradients only while every gradient is finite: an infinite one times a zero input is NaN, as in graph mode", () => {
    // 600 inputs, nine in ten of them ±0, into five linear neurons (four run side by side);
    // row 2's output is seeded with +∞, so that its gradients are infinite and its zero inputs
    // give NaN terms.
    const k = 600;
    const rows = 5;
    const neurons = Array.from({ length: 5 }, (_, j) => ({ w: Array.from({ length: k }, (_, i) => new Value(Math.sin(j * 17 + i))), b: new Value(0.5 - j) }));
    const params = neurons.flatMap((n) => [...n.w, n.b]);
    const build = (x: Value[]) => sum(neurons.map((n) => dot(n.w, x).add(n.b)));
    const data = Array.from({ length: rows * k }, (_, i) => ((i * 7919) % 10 === 0 ? Math.cos(i) : i % 2 ? 0 : -0));
    const seeds = [1, -0.5, Infinity, 2, 0.25];
    const compiled = compile(build, new Array<number>(k).fill(0.5));
    expect(compiled.simd).toBe(true);
    compiled.runBatch(data, rows).backwardBatch(seeds);
    const compiledGrads = params.map((p) => p.grad);
    params.forEach((p) => (p.grad = 0));
    const outputs = Array.from({ length: rows }, (_, r) => build(data.slice(r * k, (r + 1) * k).map((v) => new Value(v))));
    dot(outputs, seeds).backward();
    expect(params.some((p) => Number.isNaN(p.grad))).toBe(true);
    expect(same(compiledGrads, params.map((p) => p.grad))).toBe(true);
  });

  it("keeps the JavaScript kernels when told { simd: false }, and checks its options", () => {
    const weights = (k: number) => Array.from({ length: k }, (_, i) => new Value(i / k));
    const layer = (n: number, k: number) => {
      const neurons = Array.from({ length: n }, () => weights(k));
      return (x: Value[]) => neurons.map((w) => dot(x, w).add(1).tanh());
    };
    expect(compile(layer(2, 512), new Array<number>(512).fill(0.5)).simd).toBe(true);
    expect(compile(layer(2, 512), new Array<number>(512).fill(0.5), { simd: false }).simd).toBe(false);
    expect(compile(layer(16, 16), new Array<number>(16).fill(0.5)).simd).toBe(false);
    expect(compile(([x]) => (x as Value).tanh(), [0.5]).simd).toBe(false);
    const small = layer(2, 512);
    expect(() => compile(small, [0.5], { SIMD: false } as never)).toThrow('unknown option "SIMD"; compile takes simd');
    expect(() => compile(small, [0.5], { simd: "no" } as never)).toThrow("simd must be true or false");
  });

  it("reads op nodes closed over from outside the recording, and passes their grads back once, as graph mode does", () => {
    // `shared` is made before compile() from the parameters; each row reads it (and a parameter).
    fc.assert(
      fc.property(
        rawExprArbitrary,
        rawExprArbitrary,
        fc.array(leafValue, { minLength: 1, maxLength: 5 }),
        fc.array(leafValue, { minLength: 4, maxLength: 4 }),
        fc.array(startGrad, { minLength: 2, maxLength: 2 }),
        (pre, term, rows, weights, grads) => {
          const params = weights.slice(0, 2).map((w) => new Value(w));
          let shared: Value;
          let graph;
          const row = (x: Value) => build(term, [x, shared, params[1]!], []);
          try {
            shared = build(pre, [params[0]!, params[1]!, params[0]!], []);
            graph = compile(([x]) => row(x as Value), [0.5]);
          } catch {
            return;
          }
          // The parameters move after the recording, as an optimizer moves them: the closed-over
          // node keeps the value it was made with, in graph mode and in a replay alike.
          params.forEach((p, i) => ((p.data = weights[2 + i] as number), (p.grad = grads[i] as number)));
          graph.runBatch(rows, rows.length).backwardBatch();
          const compiledGrads = [...params.map((p) => p.grad), shared.grad];
          const compiledOutputs = rows.map((_, r) => graph.outputAt(0, r));
          params.forEach((p, i) => (p.grad = grads[i] as number));
          let outputs;
          try {
            outputs = rows.map((x) => row(new Value(x)));
          } catch {
            return;
          }
          sum(outputs).backward();
          expect(same(compiledOutputs, outputs.map((o) => o.data))).toBe(true);
          expect(same(compiledGrads, [...params.map((p) => p.grad), shared.grad])).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("replays a whole step of MLP-shaped layers (four neurons side by side) with graph mode's bits", () => {
    // Layers of 4–9 neurons, so that neurons run four at a time and one by one; weights, inputs and
    // starting grads include zeros, -0, and values that overflow, to spread NaN and ±Infinity.
    const activations = ["relu", "tanh", "sigmoid", "linear"] as const;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 4, max: 9 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...activations),
        fc.array(leafValue, { minLength: 400, maxLength: 400 }),
        fc.array(leafValue, { minLength: 6, maxLength: 6 }),
        fc.boolean(),
        (widths, activation, numbers, points, sharedFirst) => {
          let next = 0;
          const take = () => numbers[next++ % numbers.length] as number;
          const sizes = [2, ...widths];
          const layers = sizes.slice(1).map((width, l) =>
            Array.from({ length: width }, () => ({ w: Array.from({ length: sizes[l] as number }, () => new Value(take())), b: new Value(take()) })),
          );
          const activate = (z: Value) => (activation === "linear" ? z : z[activation]());
          const step = (xs: number[][]) =>
            sum(xs.map((x) => {
              let h: Value[] = x.map((v) => new Value(v));
              for (const neurons of layers) h = neurons.map((n) => activate((sharedFirst ? dot(h, n.w) : dot(n.w, h)).add(n.b)));
              return sum(h).mul(0.5);
            }));
          const xs = [[points[0]!, points[1]!], [points[2]!, points[3]!], [points[4]!, points[5]!]];
          const params = layers.flat().flatMap((n) => [...n.w, n.b]);
          const compiled = compile(() => step(xs));
          compiled.run().backward();
          const compiledGrads = params.map((p) => p.grad);
          params.forEach((p) => (p.grad = 0));
          const out = step(xs);
          out.backward();
          expect(Object.is(compiled.output(), out.data)).toBe(true);
          expect(same(compiledGrads, params.map((p) => p.grad))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a closed-over node is read at each replay, not recomputed: graph mode's stale value, graph mode's gradient", () => {
    const w = new Value(2);
    const scale = w.mul(3); // made before compile(): 6, whatever w becomes
    const f = compile(([x]) => x!.mul(scale), [1]);
    w.data = 10;
    f.run([2]).backward();
    expect(f.output()).toBe(12);
    expect([w.grad, scale.grad]).toEqual([6, 2]);
    expect(f.inputGrad(0)).toBe(6);
  });

  it("back-propagates only through what output 0 depends on (0·∞ in another output stays out)", () => {
    const w = new Value(1);
    compile(() => [w.mul(2), w.mul(1000).exp()]).run().backward();
    expect(w.grad).toBe(2);
  });

  it("adds into a leaf's grad term by term, as graph mode does, when it starts non-zero", () => {
    const w = new Value(5 / 7);
    w.grad = 0.1;
    compile(() => w.mul(w)).run().backward();
    const v = new Value(5 / 7);
    v.grad = 0.1;
    v.mul(v).backward();
    expect(Object.is(w.grad, v.grad)).toBe(true);
  });

  it("keeps graph mode's order when a neuron's bias is computed from a Value its dot reads", () => {
    const make = () => {
      const w = new Value(0.592305875466308);
      const build = () => dot([w], [0.35455389021489925]).add(w.mul(0.37)).tanh().add(w.mul(1.3));
      return { w, build };
    };
    const a = make();
    const f = compile(a.build);
    f.run().backward();
    const b = make();
    const out = b.build();
    out.backward();
    expect(Object.is(f.output(), out.data)).toBe(true);
    expect(Object.is(a.w.grad, b.w.grad)).toBe(true);
  });

  it("fuses neurons (dot, +bias, activation) without changing a bit of the result", () => {
    const activations: ((v: Value) => Value)[] = [(v) => v.relu(), (v) => v.tanh(), (v) => v.sigmoid(), (v) => v];
    for (const activate of activations) {
      const w = [new Value(0.3), new Value(-0.7), new Value(1.1)];
      const b = new Value(0.05);
      const neuron = (x: number[]) => activate(dot(w, x).add(b));
      const build = () => sum([neuron([1, 2, 3]), neuron([-1, 0.5, 2]).mul(2)]);
      const f = compile(build);
      w[0]!.data = 0.4;
      f.run().backward();
      const compiled = [...w, b].map((p) => p.grad);
      [...w, b].forEach((p) => (p.grad = 0));
      const out = build();
      out.backward();
      expect(f.output()).toBe(out.data);
      expect(compiled).toEqual([...w, b].map((p) => p.grad));
    }
  });

  it("does not fuse away a dot or a sum that something else reads or that is an output", () => {
    const w = [new Value(0.5), new Value(-1)];
    const b = new Value(0.2);
    const f = compile(() => {
      const d = dot(w, [2, 3]);
      const z = d.add(b);
      return [z.relu().add(d.mul(3)), z];
    });
    w[1]!.data = 1;
    f.run().backward();
    expect(f.output(0)).toBe(Math.max(0, 1 + 3 + 0.2) + 3 * 4);
    expect(f.output(1)).toBe(4.2);
    expect(w.map((p) => p.grad)).toEqual([2 + 6, 3 + 9]);
  });

  it("skips dead neurons only when that changes nothing: an infinite input still spreads NaN", () => {
    const w = [new Value(1), new Value(1)];
    const x = [new Value(-1), new Value(-2)];
    const build = () => dot(w, x).add(0).relu().add(w[0]!);
    const f = compile(build);
    f.run().backward();
    expect(w.map((p) => p.grad)).toEqual([1, 0]); // relu is dead: only the direct path counts
    w.forEach((p) => (p.grad = 0));
    x[1]!.data = -Infinity;
    f.run().backward();
    const compiled = [...w, ...x].map((p) => p.grad);
    [...w, ...x].forEach((p) => (p.grad = 0));
    build().backward();
    expect(compiled).toEqual([...w, ...x].map((p) => p.grad));
    expect(Number.isNaN(w[1]!.grad)).toBe(true); // 0 · (-Infinity), as graph mode (and PyTorch) give
  });

  it("takes inputs at replay and reports their gradients", () => {
    const w = new Value(3);
    const f = compile(([x, y]) => (x as Value).mul(w).add((y as Value).tanh()), [1, 0]);
    f.run([2, 0.5]).backward();
    expect(f.output()).toBeCloseTo(6 + Math.tanh(0.5), 15);
    expect(w.grad).toBe(2);
    expect(f.inputGrad(0)).toBe(3);
    expect(f.inputGrad(1)).toBeCloseTo(1 - Math.tanh(0.5) ** 2, 15);
  });

  it("accumulates into leaf grads as Value.backward does", () => {
    const w = new Value(2);
    const f = compile(() => w.mul(w));
    f.run().backward();
    f.run().backward();
    expect(w.grad).toBe(8);
  });

  it("returns every recorded output and handles n-ary nodes", () => {
    const a = new Value(1);
    const b = new Value(2);
    const f = compile(() => [sum([a, b, 3]), dot([a, b], [b, a])]);
    a.data = 10;
    f.run();
    expect(f.outputCount).toBe(2);
    expect([f.output(0), f.output(1)]).toEqual([15, 40]);
    f.backward();
    expect([a.grad, b.grad]).toEqual([1, 1]);
    expect(() => f.output(2)).toThrow("there are 2 outputs, asked for 2");
  });

  it("refuses replays that do not fit the recording, with errors that say what was expected", () => {
    const f = compile(([x]) => (x as Value).exp(), [0]);
    expect(() => f.run([1, 2])).toThrow(ShapeError);
    expect(() => f.run([1, 2])).toThrow("CompiledGraph.run: the graph was recorded with 1 input, so it takes 1 number; got 2");
    expect(() => f.run(["a"] as unknown as number[])).toThrow('CompiledGraph.run(inputs): inputs[0] must be a number, got "a" (string)');
    expect(() => f.run("ab" as unknown as number[])).toThrow('CompiledGraph.run(inputs): inputs must be an array of numbers, got "ab" (string)');
    expect(() => f.runBatch([1, 2, 3], 2)).toThrow("CompiledGraph.runBatch: the graph was recorded with 1 input, so it takes 2 rows × 1 = 2 numbers; got 3");
    expect(() => f.runBatch([1], 0)).toThrow("rows must be an integer ≥ 1, got 0");
    expect(() => compile(([x]) => (x as Value).exp(), [0]).backward()).toThrow("CompiledGraph.backward: call run() (or runBatch()) first");
    expect(() => f.outputAt(0, 3)).toThrow(RangeError);
  });

  it("onePass: a step recorded in two parts gives graph mode's one pass to the bit; alone, each call is its own pass", () => {
    // Rows w·xₖ and a head Σ termₖ + w²: graph mode adds the head's contribution, then each row's,
    // to one sum, and adds it to w's grad once. 1e16 on top makes any other grouping show.
    const xs = [3, 1e-3, 7, 0.1];
    const graphMode = () => {
      const w = Object.assign(new Value(0.5), { grad: 1e16 });
      sum(xs.map((x) => w.mul(x))).add(w.mul(w)).backward();
      return w.grad;
    };
    const recorded = (shared: boolean) => {
      const w = Object.assign(new Value(0.5), { grad: 1e16 });
      const rows = compile(([x]) => w.mul(x as Value), [0]);
      const head = compile((terms) => sum(terms).add(w.mul(w)), xs.map(() => 0));
      rows.runBatch(xs, xs.length);
      head.run(xs.map((_, k) => rows.outputAt(0, k)));
      const step = () => {
        head.backward();
        rows.backwardBatch(xs.map((_, k) => head.inputGrad(k)));
      };
      if (shared) onePass(step);
      else step();
      return w.grad;
    };
    expect(Object.is(recorded(true), graphMode())).toBe(true);
    // Two passes round twice: 1e16 + 0.5, then + the rows.
    expect(recorded(false)).not.toBe(graphMode());
    // Graph mode joins an open pass too, and nested onePass calls are part of the outer one.
    const v = Object.assign(new Value(2), { grad: 1e16 });
    onePass(() => {
      v.mul(1).backward();
      onePass(() => v.mul(1).backward());
      expect(v.grad).toBe(2); // the pass's own sum, until it ends
    });
    expect(v.grad).toBe(1e16 + 2);
    // A function that throws still ends its pass: what was summed is added, and the next call is its own pass.
    const u = Object.assign(new Value(1), { grad: 5 });
    expect(() => onePass(() => {
      u.mul(3).backward();
      throw new Error("stop");
    })).toThrow("stop");
    expect(u.grad).toBe(8);
    u.mul(1).backward();
    expect(u.grad).toBe(9);
  });

  it("takes parameters from arrays when given them: reads their data there, sums their grads there in graph mode's order, leaves the Values alone", () => {
    // Rows relu(w·x + b) for a 24-wide layer (on the kernels) and a head Σ termₖ + Σ w²; the
    // arrays hold other numbers than the Values, and grads that start at 0.
    const width = 24;
    const stale = Array.from({ length: width * 17 + width }, (_, i) => new Value(((i * 37) % 11) / 7 - 0.6));
    const numbers = stale.map((_, i) => (((i * 53) % 13) / 9 - 0.7) * (i % 5 === 0 ? -1 : 1));
    const rowsOf = (ps: Value[]) => (x: Value[]) => {
      const out = Array.from({ length: width }, (_, j) => dot(ps.slice(j * 17, j * 17 + 16), x).add(ps[j * 17 + 16] as Value).relu());
      return sum(out);
    };
    const xs = Array.from({ length: 5 }, (_, r) => Array.from({ length: 16 }, (_, k) => Math.sin(r * 16 + k)));
    const head = (ps: Value[]) => (terms: Value[]) => sum(terms).add(sum(ps.map((p) => p.mul(p))));
    // Graph mode, on Values holding the arrays' numbers.
    const fresh = numbers.map((x) => new Value(x));
    head(fresh)(xs.map((x) => rowsOf(fresh)(x.map((v) => new Value(v))))).backward();
    // Compiled with the parameters in arrays.
    const arrays = { values: stale, data: Float64Array.from(numbers), grad: new Float64Array(stale.length) };
    const before = stale.map((v) => [v.data, v.grad]);
    const rows = compile(rowsOf(stale), xs[0], { parameters: arrays });
    const top = compile(head(stale), xs.map(() => 0), { parameters: arrays });
    expect(rows.simd).toBe(true);
    rows.runBatch(xs.flat(), xs.length);
    top.run(xs.map((_, r) => rows.outputAt(0, r)));
    top.backward();
    rows.backwardBatch(xs.map((_, r) => top.inputGrad(r)));
    expect(same(Array.from(arrays.grad), fresh.map((v) => v.grad))).toBe(true);
    expect(stale.map((v) => [v.data, v.grad])).toEqual(before);
    // The next replay reads the arrays again.
    arrays.data[16] = 1e3;
    rows.runBatch(xs.flat(), xs.length);
    expect(rows.outputAt(0, 0)).toBeGreaterThan(900);
  });

  it("refuses parameters that are not distinct leaves with two Float64Arrays of their length", () => {
    const w = new Value(1);
    const arrays = (values: Value[], n = values.length) => ({ values, data: new Float64Array(n), grad: new Float64Array(n) });
    const build = ([x]: Value[]) => (x as Value).mul(w);
    expect(() => compile(build, [1], { parameters: arrays([w, w]) })).toThrow("parameters.values[1] is parameters.values[0] again");
    expect(() => compile(build, [1], { parameters: arrays([w.mul(2)]) })).toThrow("parameters.values[0] must be a leaf Value");
    expect(() => compile(build, [1], { parameters: arrays([w], 2) })).toThrow("parameters.data must be a Float64Array of 1 numbers (one per value), got 2");
    expect(() => compile(build, [1], { parameters: { values: [w], data: new Float64Array(1), grad: [0] as unknown as Float64Array } })).toThrow("parameters.grad must be a Float64Array");
    expect(() => compile(build, [1], { parameter: {} } as never)).toThrow("compile takes simd, inputGrads and parameters");
  });

  it("catches a build that reads the data it is given: a branch, a constant, a loop, a pick — with where the graphs part", () => {
    const reads = "compile(build): build made another graph at other inputs — recorded at [1]";
    // The review's example: recorded at 1, a replay at -3 gave -6 where graph mode gives 3.
    expect(() => compile(([x]) => ((x as Value).data > 0 ? (x as Value).mul(2) : (x as Value).neg()), [1])).toThrow(reads);
    expect(() => compile(([x]) => (x as Value).add((x as Value).data), [1])).toThrow("is the constant -2.25 where the recording has 1");
    expect(() => compile(([x]) => {
      let y = new Value(1);
      for (let i = 0; i < (x as Value).data; i++) y = y.mul(x as Value);
      return y;
    }, [1])).toThrow(reads);
    expect(() => compile(([a, b]) => ((a as Value).data > (b as Value).data ? a : b) as Value, [1, 0])).toThrow("at [-2.25, -0.75]: Value 1 of 1 is input 1 where the recording has input 0");
    // A slope or a bound taken from the data is an op's parameter: caught too.
    expect(() => compile(([x]) => (x as Value).leakyRelu(Math.abs((x as Value).data) / 10), [1])).toThrow("Value 2 of 2, a \"leakyRelu\", has other parameters");
    expect(() => compile(([x]) => (x as Value).mul(2).clamp(-1, (x as Value).data), [1])).toThrow("Value 4 of 4, a \"clamp\", has other parameters");
    // What does not read the data records as before: ops choose, and a probe outside an op's domain is skipped.
    const f = compile(([x]) => (x as Value).max(0).add((x as Value).clamp(-1, 1)), [1]);
    expect(f.run([-3]).output(0)).toBe(new Value(-3).max(0).add(new Value(-3).clamp(-1, 1)).data);
    expect(() => compile(([p]) => bce(p as Value, 1), [0.5])).not.toThrow();
  });

  it("refuses in a replay what graph mode refuses, with the same words: NaN inputs, bce outside [0, 1]", () => {
    // Graph mode first: these are the errors a replay must match.
    expect(() => new Value(NaN)).toThrow("must be a number, got NaN");
    expect(() => bce(new Value(1.5), 1)).toThrow("bce(p, y): p must lie in [0, 1], got 1.5");
    const f = compile(([x]) => (x as Value).exp(), [0]);
    expect(() => f.run([NaN])).toThrow(TypeError);
    expect(() => f.run([NaN])).toThrow("CompiledGraph.run(inputs): inputs[0] must be a number, got NaN");
    expect(() => f.runBatch([0, NaN], 2)).toThrow("CompiledGraph.runBatch(inputs): inputs[1] must be a number, got NaN");
    expect(() => f.runBatch(Float64Array.of(0, 1, 2, NaN), 4)).toThrow("CompiledGraph.runBatch(inputs): inputs[3] must be a number, got NaN");
    // A Float64Array is looked at four numbers at a time: +∞ and -∞ side by side are numbers
    // (their sum is NaN, theirs are not), a NaN among four or in the tail is found where it is.
    expect(f.runBatch(Float64Array.of(Infinity, -Infinity, 0, -0, 1, -Infinity), 6).outputAt(0, 1)).toBe(0);
    expect(() => f.runBatch(Float64Array.of(Infinity, -Infinity, 2, 3, 4, 5, NaN), 7)).toThrow("CompiledGraph.runBatch(inputs): inputs[6] must be a number, got NaN");
    expect(() => f.runBatch(Float64Array.of(0, 1, 2, 3, 4, NaN, 6, 7), 8)).toThrow("CompiledGraph.runBatch(inputs): inputs[5] must be a number, got NaN");
    const loss = compile(([p, y]) => bce(p as Value, y as Value), [0.5, 1]);
    expect(loss.run([0.25, 1]).output(0)).toBe(bce(0.25, 1).data);
    expect(() => loss.run([1.5, 1])).toThrow(RangeError);
    expect(() => loss.run([1.5, 1])).toThrow("bce(p, y): p must lie in [0, 1], got 1.5 (compiled replay, row 0)");
    expect(() => loss.runBatch([0.5, 1, 0.5, -0.25], 2)).toThrow("bce(p, y): y must lie in [0, 1], got -0.25 (compiled replay, row 1)");
    const logits = compile(([z, y]) => bceWithLogits(z as Value, y as Value), [0, 1]);
    expect(() => logits.run([3, 2])).toThrow("bceWithLogits(z, y): y must lie in [0, 1], got 2 (compiled replay, row 0)");
    // A NaN made on the way passes, as in graph mode: 0/0 as p.
    const zero = new Value(0);
    expect(bce(zero.div(zero), 1).data).toBeNaN();
    expect(compile(([x]) => bce((x as Value).div(x as Value), 1), [1]).run([0]).output(0)).toBeNaN();
  });

  it("refuses builds that do not return Values", () => {
    const v = new Value(1);
    expect(() => compile(() => [])).toThrow("compile: build returned no Values");
    expect(() => compile(() => 3 as unknown as Value)).toThrow("compile: build must return a Value or an array of Values, got 3");
    expect(() => compile(() => [v, 3 as unknown as Value])).toThrow("compile: build must return Values, got 3 at index 1");
    expect(() => compile(3 as unknown as () => Value)).toThrow("compile(build, inputs): build must be a function, got 3");
    expect(() => compile(() => v, ["1"] as unknown as number[])).toThrow('compile(build, inputs): inputs[0] must be a number, got "1" (string)');
  });

  it("checks for anomalies in a replay, as graph mode does", () => {
    const x = new Value(1);
    const f = compile(() => x.log());
    x.data = -1;
    f.run();
    expect(f.output()).toBeNaN();
    expect(() => detectAnomaly(() => f.run())).toThrow(AnomalyError);
    expect(() => detectAnomaly(() => f.run())).toThrow("log produced NaN (compiled replay, row 0)");
    x.data = 0;
    const g = compile(() => x.pow(0.5)).run();
    expect(() => detectAnomaly(() => g.backward())).toThrow("backward made the grad of");
  });

  it("keeps the branch taken while recording (the documented limit of a trace)", () => {
    const x = new Value(1);
    const f = compile(() => (x.data > 0 ? x.mul(2) : x.neg()));
    x.data = -1;
    expect(f.run().output()).toBe(-2); // graph mode would give 1
  });
});
