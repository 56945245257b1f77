/** Files up to this size are read together with others, up to `GROUP_READ_BYTES` a read. */
const GROUP_READ_FILE_LIMIT = 4 * 1024 * 1024;
const GROUP_READ_BYTES = 16 * 1024 * 1024;

/** Consecutive runs of small, non-empty blobs, each run at most `GROUP_READ_BYTES`; each other blob alone. */
function readGroups(blobs: readonly Blob[]): number[][] {
  const groups: number[][] = [];
  let run: number[] = [];
  let runBytes = 0;
  blobs.forEach((blob, i) => {
    const small = blob.size > 0 && blob.size <= GROUP_READ_FILE_LIMIT;
    if (run.length > 0 && (!small || runBytes + blob.size > GROUP_READ_BYTES)) {
      groups.push(run);
      run = [];
      runBytes = 0;
    }
    if (small) {
      run.push(i);
      runBytes += blob.size;
    } else groups.push([i]);
  });
  if (run.length > 0) groups.push(run);
  return groups;
}

async function settle<T>(work: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  try {
    return { status: 'fulfilled', value: await work() };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}

/**
 * Calls `each` for every blob in turn, results in input order, each settled on its own. Runs of
 * small blobs are read together, as one Blob made of theirs, and `each` gets its blob's bytes
 * (a view into the run's buffer): in Chromium every Blob read costs a few milliseconds of CPU in
 * two processes however small the blob, which for 100 KB photos was a third of the cost of adding
 * them (BENCHMARKS.md). A large blob, or a run that cannot be read whole (a file gone from the
 * disk), gets `null`, and `each` reads that blob itself, so only an unreadable one fails.
 */
export async function forEachRead<T>(
  blobs: readonly Blob[],
  each: (index: number, bytes: Uint8Array<ArrayBuffer> | null) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(blobs.length);
  for (const group of readGroups(blobs)) {
    let buffer: ArrayBuffer | null = null;
    if (group.length > 1) {
      const parts = group.map((i) => blobs[i]!);
      const expected = parts.reduce((sum, b) => sum + b.size, 0);
      buffer = await new Blob(parts)
        .arrayBuffer()
        .then((read) => (read.byteLength === expected ? read : null))
        .catch(() => null);
    }
    let offset = 0;
    for (const i of group) {
      const bytes = buffer ? new Uint8Array(buffer, offset, blobs[i]!.size) : null;
      offset += blobs[i]!.size;
      results[i] = await settle(() => each(i, bytes));
    }
  }
  return results;
}

/** Bytes that may be a view into a larger buffer, as a buffer of their own (so nothing kept or sent drags the rest along). */
export function ownBuffer(view: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : view.slice();
}
