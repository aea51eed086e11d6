// Seed 002: MLP(3, [4, 4, 1]) with tanh everywhere on four rows, sum of squared errors, SGD.
import { MLP } from "@micrograd/nn";
import { SGD } from "@micrograd/optim";
import { seed002Rows, train } from "@micrograd/training";
import { runIfMain } from "./main.js";

export function seed002Example() {
  const data = seed002Rows();
  const model = new MLP(3, [4, 4, 1], { activation: "tanh", outputActivation: "tanh", seed: 1 });
  const optimizer = new SGD(model.parameters(), { lr: 0.05 });
  const { last } = train({ model, data, loss: "sse", optimizer, steps: 500 });
  const predictions = data.x.map((x) => (model.forward(x)[0]?.data ?? NaN));
  return { loss: last?.loss ?? NaN, predictions, targets: data.y };
}

runIfMain(import.meta.url, seed002Example);
