import { DamError } from '../errors';

/** The model has no source here: not bundled, not imported, and network models are off. */
export function modelUnavailableError(name: string, why: string): DamError {
  return new DamError('ModelUnavailableError', `The model "${name}" is not available: ${why}`);
}
