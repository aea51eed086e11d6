// Three classes: Gaussian blobs, softmax cross-entropy, Adam.
import { MLP } from "@micrograd/nn";
import { Adam } from "@micrograd/optim";
import { blobs, evaluate, train } from "@micrograd/training";
import { runIfMain } from "./main.js";

export function blobsExample() {
  const data = blobs({ n: 150, classes: 3, noise: 0.5, seed: 0 });
  const model = new MLP(2, [16, 3], { activation: "relu", seed: 0 });
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  train({ model, data, loss: "crossEntropy", optimizer, steps: 150 });
  return evaluate(model, data, "crossEntropy").accuracy;
}

runIfMain(import.meta.url, blobsExample);
