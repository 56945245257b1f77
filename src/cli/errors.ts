/** Exit codes: scripts branch on them, so they never change meaning. */
export const EXIT_OK = 0;
/** The command ran and did not succeed (a missing entity, a damaged blob, a bad query). */
export const EXIT_FAILURE = 1;
/** The command line or the configuration is wrong: nothing was done. */
export const EXIT_USAGE = 2;

/** A command line that cannot run as given; `usage` is shown under the message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** A configuration file or variable that cannot be used. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The exit code an error ends the process with. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError || error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE;
}

/** `{ name, message }` of anything thrown, for stderr and `--json`. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message };
  return { name: 'Error', message: String(error) };
}
