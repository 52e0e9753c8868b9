/**
 * Bad input from a user: an unknown env id, an invalid option, a malformed file. Hosts show the
 * message alone (the CLI as one line, exit code 2), never a stack trace.
 */
export class InputError extends Error {
  override name = 'InputError';
}

/** A run that failed for a reason its message explains in full (no stack trace is shown); exit 1. */
export class RunError extends Error {}
