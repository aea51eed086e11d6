export { blobs, circles, moons, spiral, toyDatasets, xor } from "./dataset.js";
export type { Dataset, FlatDataset, ToyDatasetName, ToyOptions } from "./dataset.js";
export { andGate, seed002Rows, seed003Rows } from "./tables.js";
export { LOSS_NAMES, accuracy, batchLoss, givesProbabilities, predictedClass, prediction, probabilities } from "./objective.js";
export type { LossName, Prediction } from "./objective.js";
export { Trainer, TrainingDivergedError, evaluate, train } from "./train.js";
export type { StepInfo, TrainOptions, TrainResult, TrainerOptions } from "./train.js";
