/** The first hand-over is small, so the worker starts adding while the rest are queued. */
const FIRST_CHUNK = 64;
/** Later hand-overs: each is one IndexedDB transaction in the worker and one progress update here. */
const CHUNK = 500;

/** `[start, end)` ranges in which `total` files are handed to `enqueueFiles`, in order. */
export function enqueueChunks(total: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (let start = 0; start < total;) {
    const end = Math.min(total, start + (start === 0 ? FIRST_CHUNK : CHUNK));
    chunks.push([start, end]);
    start = end;
  }
  return chunks;
}
