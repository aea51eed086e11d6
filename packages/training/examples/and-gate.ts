// Seed 000: an AND gate learned by one sigmoid neuron with squared loss, one row at a time.
// (The seed's neuron has no bias, so its output at (0, 0) is stuck at sigmoid(0) = 0.5; ours has one.)
import { MLP } from "@micrograd/nn";
import { SGD } from "@micrograd/optim";
import { andGate, train } from "@micrograd/training";
import { runIfMain } from "./main.js";

export function andGateExample() {
  const data = andGate();
  const model = new MLP(2, [1], { outputActivation: "sigmoid", seed: 0 });
  const optimizer = new SGD(model.parameters(), { lr: 2 });
  const { last } = train({ model, data, loss: "mse", optimizer, steps: 2000, batchSize: 1 });
  const predictions = data.x.map((x) => (model.forward(x)[0]?.data ?? NaN));
  return { loss: last?.loss, predictions, targets: data.y };
}

runIfMain(import.meta.url, andGateExample);
