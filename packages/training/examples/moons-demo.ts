// micrograd's demo: two moons, MLP(2, [16, 16, 1]) ReLU/linear, hinge + 1e-4·L2, SGD with the
// learning rate decaying linearly from 1.0 to 0.1 over 100 full-batch steps.
import { MLP } from "@micrograd/nn";
import { SGD, linearDecay } from "@micrograd/optim";
import { evaluate, moons, train } from "@micrograd/training";
import { runIfMain } from "./main.js";

export function moonsExample() {
  const data = moons({ n: 100, noise: 0.1, seed: 0 });
  const model = new MLP(2, [16, 16, 1], { seed: 1337 });
  const optimizer = new SGD(model.parameters(), { lr: 1 });
  train({ model, data, loss: "hinge", l2: 1e-4, optimizer, steps: 100, schedule: linearDecay(1, 0.1, 100) });
  return evaluate(model, data, "hinge").accuracy;
}

runIfMain(import.meta.url, moonsExample);
