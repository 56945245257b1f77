import type { DamErrorName } from '../api/dam-api';

/** An error meant for the person using the app; `name` is one the UI can branch on. */
export class DamError extends Error {
  constructor(name: DamErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}
