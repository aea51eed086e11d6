import * as tf from "@tensorflow/tfjs";
import { compile } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";
import { hinge, l2 } from "@micrograd/losses";
import { MLP } from "@micrograd/nn";
import { SGD } from "@micrograd/optim";
import { moons } from "@micrograd/training";
import { ReferenceStep } from "./reference.js";

/** micrograd's demo data: two moons, 100 points, noise 0.1, labels ±1. */
export const data = moons({ n: 100, noise: 0.1, seed: 0 });
export const labels = data.y.map((y) => (y > 0 ? 1 : -1));
export const LR = 0.01;
export const ALPHA = 1e-4;

/** The demo's network with hidden width `width`; every mode starts from these weights. */
export function makeModel(width: number): MLP {
  return new MLP(2, [width, width, 1], { seed: 1337 });
}

/** The step's loss as a graph: hinge over the scores plus 1e-4·L2. */
export function lossGraph(model: MLP): Value {
  return hinge(data.x.map((x) => model.forward(x)[0] as Value), labels).add(l2(model.parameters(), ALPHA));
}

/** One step in graph mode: build, backward, SGD. */
export function graphStep(width: number): () => number {
  const model = makeModel(width);
  const opt = new SGD(model.parameters(), { lr: LR });
  return () => {
    const loss = lossGraph(model);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    return loss.data;
  };
}

/** One step in compiled mode: replay the recorded graph. */
export function compiledStep(width: number): () => number {
  const model = makeModel(width);
  const opt = new SGD(model.parameters(), { lr: LR });
  const graph = compile(() => lossGraph(model));
  return () => {
    graph.run();
    opt.zeroGrad();
    graph.backward();
    opt.step();
    return graph.output();
  };
}

/** One step of the hand-written Float64Array reference. */
export function referenceStep(width: number): () => number {
  const ref = new ReferenceStep(makeModel(width));
  return () => ref.step(data.x, labels, LR, ALPHA);
}

/** One step with TensorFlow.js's CPU backend: the same network, loss and SGD as tensors. */
export function tfjsStep(width: number): () => number {
  const model = makeModel(width);
  const vars = model.layers.flatMap((layer) => {
    const nin = layer.nin;
    const w = layer.neurons.flatMap((n) => n.w.map((v) => v.data));
    // Our weights are neuron-major (nout × nin); a dense layer wants nin × nout.
    const kernel = tf.variable(tf.tensor2d(w, [layer.neurons.length, nin]).transpose());
    const bias = tf.variable(tf.tensor1d(layer.neurons.map((n) => n.b.data)));
    return [kernel, bias];
  });
  const x = tf.tensor2d(data.x);
  const y = tf.tensor2d(labels, [labels.length, 1]);
  const optimizer = tf.train.sgd(LR);
  const last = vars.length / 2 - 1;
  const loss = () =>
    tf.tidy(() => {
      let h: tf.Tensor = x;
      for (let l = 0; l <= last; l++) {
        h = tf.add(tf.matMul(h, vars[2 * l] as tf.Tensor2D), vars[2 * l + 1] as tf.Tensor);
        if (l < last) h = tf.relu(h);
      }
      const data = tf.mean(tf.relu(tf.sub(1, tf.mul(y, h))));
      const reg = tf.addN(vars.map((v) => tf.sum(tf.square(v))));
      return tf.add<tf.Scalar>(data, tf.mul(ALPHA, reg));
    });
  return () => {
    const value = optimizer.minimize(loss, true) as tf.Scalar;
    const result = value.dataSync()[0] as number;
    value.dispose();
    return result;
  };
}

/** Selects TensorFlow.js's pure-JavaScript CPU backend. */
export async function useTfjsCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}
