import { Value, compile, dot, zeroGrad } from "@micrograd/engine";

// A neuron, tanh(w·x + b), fitted to y = tanh(2x₀ - x₁) on 64 points.
const w = [new Value(0.1), new Value(-0.1)];
const b = new Value(0);
const params = [...w, b];

// One row recorded once: inputs x₀, x₁ and the target y; output 0 is the row's squared error.
const row = compile(([x0, x1, y]) => dot(w, [x0!, x1!]).add(b).tanh().sub(y!).pow(2), [0, 0, 0]);

// The data, row after row (x₀, x₁, y), and each row's seed: 1/64, for the mean of the losses.
const rows = 64;
const data = new Float64Array(rows * 3);
for (let r = 0; r < rows; r++) {
  const x0 = Math.cos(r);
  const x1 = Math.sin(3 * r);
  data.set([x0, x1, Math.tanh(2 * x0 - x1)], r * 3);
}
const seeds = new Float64Array(rows).fill(1 / rows);
const losses = new Float64Array(rows);

let mean = NaN;
for (let step = 0; step < 300; step++) {
  zeroGrad(params);
  row.runBatch(data, rows); // every row's loss, replayed over typed arrays
  row.backwardBatch(seeds); // the mean loss's grads, graph mode's to the bit
  for (const p of params) p.data -= 0.5 * p.grad;
  mean = row.outputColumn(0, losses).reduce((sum, loss) => sum + loss, 0) / rows;
}
console.log(`mean loss ${mean.toExponential(2)}; w = [${w.map((v) => v.data.toFixed(3)).join(", ")}], b = ${b.data.toFixed(3)}`);

export { b, mean, w };
