/** A mistake in how the tool was called (bad option, bad date, missing column): exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** An input that cannot be read at all (missing file, corrupt gzip, nothing readable): exit code 1. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** The output cannot be written (full disk, no permission, a device that fails): exit code 1. */
export class OutputError extends Error {
  override readonly name = "OutputError";
}
