// Seed 003: a 3-input sigmoid perceptron trained with binary cross-entropy.
import { MLP } from "@micrograd/nn";
import { SGD } from "@micrograd/optim";
import { seed003Rows, train } from "@micrograd/training";
import { runIfMain } from "./main.js";

export function seed003Example() {
  const data = seed003Rows();
  const model = new MLP(3, [1], { outputActivation: "sigmoid", seed: 3 });
  const optimizer = new SGD(model.parameters(), { lr: 1 });
  const { last } = train({ model, data, loss: "bce", optimizer, steps: 300 });
  const predictions = data.x.map((x) => (model.forward(x)[0]?.data ?? NaN));
  return { loss: last?.loss ?? NaN, predictions, targets: data.y };
}

runIfMain(import.meta.url, seed003Example);
