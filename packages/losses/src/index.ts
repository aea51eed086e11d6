export { mse, sumSquaredError } from "./regression.js";
export { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, hinge, sampleLoss } from "./classification.js";
export { l1, l2 } from "./regularization.js";
export type { Values } from "./inputs.js";
