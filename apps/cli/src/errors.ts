/** A mistake in how the command was called (unknown flag, missing or bad value): exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Input the command cannot use (missing file, bad CSV, corrupt model): exit code 2. */
export class InputError extends Error {
  override name = "InputError";
}

/** Training that ran but must not be saved (the loss blew up): exit code 1. */
export class TrainingFailedError extends Error {
  override name = "TrainingFailedError";
}
