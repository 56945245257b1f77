/** A world: a named library with its own database and blob storage. */
export interface WorldConfig {
  readonly name: string;
  /** `memory://`, a directory, `idb://dam-<name>`, `opfs-ahp://dam-<name>` or a PostgreSQL URL. */
  readonly databaseUrl: string;
  /** Where the world's blobs live: a directory in Node, a Dexie database name in the browser. */
  readonly storage?: string;
  readonly settings?: Readonly<Record<string, unknown>>;
}

const WORLD_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class InvalidWorldNameError extends Error {
  constructor(readonly worldName: string) {
    super(`"${worldName}" is not a valid world name: use 1 to 63 lowercase letters, digits, "-" or "_", starting with a letter or digit`);
    this.name = 'InvalidWorldNameError';
  }
}

export function assertValidWorldName(name: string): void {
  if (!WORLD_NAME.test(name)) throw new InvalidWorldNameError(name);
}
