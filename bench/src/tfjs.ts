import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { MLP } from "@micrograd/nn";
import type { Workload } from "./workloads.js";

/** Selects TensorFlow.js's pure-JavaScript CPU backend (float32). */
export async function useTfjsCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}

/**
 * Selects TensorFlow.js's WebAssembly backend (float32, XNNPACK), with SIMD where the engine has
 * it (Node 20 has) and one thread, loading its .wasm files from the installed package.
 */
export async function useTfjsWasm(): Promise<void> {
  const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json"))}/dist/`);
  await tf.setBackend("wasm");
  await tf.ready();
  if (!tf.env().getBool("WASM_HAS_SIMD_SUPPORT")) throw new Error("TensorFlow.js's wasm backend found no WebAssembly SIMD");
}

/**
 * The workload in TensorFlow.js: dense layers from `model`'s weights, the same loss, L2 and
 * optimizer; each step gathers its batch's rows from tensors made once.
 */
export function tfjsTrainer(work: Workload, model: MLP): (batch: Int32Array) => number {
  const vars = model.layers.flatMap((layer) => {
    const w = layer.neurons.flatMap((n) => n.w.map((v) => v.data));
    // Our weights are neuron-major (nout × nin); a dense layer wants nin × nout.
    return [tf.variable(tf.tensor2d(w, [layer.neurons.length, layer.nin]).transpose()), tf.variable(tf.tensor1d(layer.neurons.map((n) => n.b.data)))];
  });
  const x = tf.tensor2d(work.data.x);
  const classes = work.sizes.at(-1) as number;
  const y = work.loss === "hinge" ? tf.tensor2d(work.data.y.map((t) => (t > 0 ? 1 : -1)), [work.data.y.length, 1]) : tf.oneHot(tf.tensor1d(work.data.y, "int32"), classes);
  const optimizer = work.optimizer.kind === "sgd" ? tf.train.sgd(work.optimizer.lr) : tf.train.adam(work.optimizer.lr);
  const last = vars.length / 2 - 1;
  return (batch) => {
    const value = tf.tidy(() => {
      const rows = tf.tensor1d(batch, "int32");
      const xb = tf.gather(x, rows);
      const yb = tf.gather(y, rows);
      return optimizer.minimize(() => {
        let h: tf.Tensor = xb;
        for (let l = 0; l <= last; l++) {
          h = tf.add(tf.matMul(h, vars[2 * l] as tf.Tensor2D), vars[2 * l + 1] as tf.Tensor);
          if (l < last) h = work.activation === "tanh" ? tf.tanh(h) : tf.relu(h);
        }
        const data = work.loss === "hinge" ? tf.mean(tf.relu(tf.sub(1, tf.mul(yb, h)))) : tf.losses.softmaxCrossEntropy(yb, h);
        if (work.l2 === 0) return data as tf.Scalar;
        const reg = tf.addN(vars.map((v) => tf.sum(tf.square(v))));
        return tf.add<tf.Scalar>(data, tf.mul(work.l2, reg));
      }, true) as tf.Scalar;
    });
    const result = value.dataSync()[0] as number;
    value.dispose();
    return result;
  };
}
