// Train, save to JSON text, load it back: the loaded model predicts exactly the same numbers.
import { MLP } from "@micrograd/nn";
import { Adam } from "@micrograd/optim";
import { circles, train } from "@micrograd/training";
import { runIfMain } from "./main.js";

export function saveLoadExample() {
  const data = circles({ n: 60, seed: 2 });
  const model = new MLP(2, [8, 1], { activation: "tanh", seed: 5 });
  train({ model, data, loss: "bceWithLogits", optimizer: new Adam(model.parameters(), { lr: 0.05 }), steps: 30 });
  const text = JSON.stringify(model);
  const loaded = MLP.fromJSON(text);
  const before = data.x.map((x) => model.forward(x)[0]?.data);
  const after = data.x.map((x) => loaded.forward(x)[0]?.data);
  return { text, before, after };
}

runIfMain(import.meta.url, saveLoadExample);
