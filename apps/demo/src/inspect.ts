import { Value } from "@micrograd/engine";
import { MLP } from "@micrograd/nn";
import type { Activation } from "@micrograd/nn";
import { batchLoss } from "@micrograd/training";
import type { LossName } from "@micrograd/training";

/** One point's prediction, as the Train view knows it: the network of a snapshot and the point. */
export interface PredictionSpec {
  /** Inputs, then each layer's width (the snapshot's `sizes`). */
  sizes: readonly number[];
  /** Per layer, per neuron: its weights then its bias (the snapshot's `weights`). */
  weights: readonly (readonly (readonly number[])[])[];
  activation: Activation;
  outputActivation: Activation;
  /** The network's inputs for the point: a name (the feature) and its value. */
  inputs: readonly { name: string; value: number }[];
  loss: LossName;
  /** The point's class index, or its value for a regression. */
  target: number;
}

/**
 * The computation graph of one point's forward pass and its loss, built with `@micrograd/nn` from
 * the weights the Train view shows: every input, weight and bias a labelled leaf (`w2.3.1` is
 * layer 2, neuron 3, input 1), every hidden unit (`h1.3`) and its sum before the activation
 * (`z1.3`), the outputs (`out`) and the loss labelled too. Its root is the loss, so
 * `backward()` gives each weight's share of this one point's gradient.
 *
 * @throws RangeError if the weights do not fit the sizes.
 */
export function predictionGraph(spec: PredictionSpec): Value {
  const model = new MLP(spec.sizes[0] as number, spec.sizes.slice(1), { activation: spec.activation, outputActivation: spec.outputActivation });
  model.layers.forEach((layer, l) =>
    layer.neurons.forEach((neuron, n) => {
      const given = spec.weights[l]?.[n];
      if (given?.length !== neuron.w.length + 1) throw new RangeError(`the weights of neuron ${n + 1} of layer ${l + 1} do not fit the network`);
      neuron.w.forEach((w, i) => {
        w.data = given[i] as number;
        w.label = `w${l + 1}.${n + 1}.${i + 1}`;
      });
      neuron.b.data = given[neuron.w.length] as number;
      neuron.b.label = `b${l + 1}.${n + 1}`;
    }),
  );
  // Layer by layer, so that every unit is named: h2.3 is unit 3 of hidden layer 2, z2.3 the sum
  // before its activation; the outputs are `out` (or out1, out2…), their sums `z_out…`.
  let outputs = spec.inputs.map((x) => new Value(x.value, { label: x.name }));
  model.layers.forEach((layer, l) => {
    outputs = layer.forward(outputs);
    const last = l === model.layers.length - 1;
    outputs.forEach((unit, j) => {
      const name = last ? (outputs.length === 1 ? "out" : `out${j + 1}`) : `h${l + 1}.${j + 1}`;
      unit.label = name;
      // A linear unit is its own sum; another's sum is the operand of its activation.
      const sum = unit.op === "+" ? null : unit.children[0];
      if (sum) sum.label = last ? `z_${name}` : `z${l + 1}.${j + 1}`;
    });
  });
  const loss = batchLoss(spec.loss, [outputs], [spec.target]);
  loss.label = "loss";
  return loss;
}
