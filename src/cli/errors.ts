import { InputError, RunError } from '../errors.ts';
import { GpuUnavailableError } from '../gpu/context.ts';

/** Prints an error the way a user should see it and returns the process exit code. */
export function reportError(error: unknown): number {
  if (error instanceof GpuUnavailableError) {
    console.error(error.message);
    return 1;
  }
  if (error instanceof RunError) {
    console.error(`wgym: ${error.message}`);
    return 1;
  }
  if (error instanceof InputError) {
    console.error(`wgym: ${error.message}`);
    return 2;
  }
  console.error(error);
  return 1;
}
