/**
 * SQLSTATEs that mean "another session got there first": a unique key it committed while we
 * waited (23505), a deadlock (40P01) or a serialisation failure (40001). Doing the work again
 * sees the other session's rows, so content-addressed work deduplicates. Only a server has
 * other sessions; PGlite never raises these for that reason.
 */
const CONFLICT_CODES = new Set(['23505', '40P01', '40001']);

/** Looks through wrappers (a failed stage wraps its system's error as `cause`). */
export function isConflictError(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (CONFLICT_CODES.has((e as { code?: unknown }).code as string)) return true;
  }
  return false;
}

/** A short random pause, longer each time, so two sessions that collided do not collide again. */
export function conflictBackoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
}
