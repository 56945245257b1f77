/**
 * Messages ONNX Runtime (native and wasm, 1.30/1.31) and the JS engines under it give when
 * memory runs out, taken from the shipped binaries:
 * - "Failed to allocate memory for requested buffer of size N" (ORT allocator)
 * - "BFC Arena ran out of memory trying to allocate N", "Out of memory"
 * - "Memory allocation failed. Size=N", "Output buffer allocation failed", "std::bad_alloc"
 * - "Can't create a session. failed to allocate a buffer of size N" (onnxruntime-web, model
 *   bytes into the wasm heap)
 * - V8: "Array buffer allocation failed", "WebAssembly.Memory.grow(): Maximum memory size
 *   exceeded", "WebAssembly.Memory(): could not allocate memory"; emscripten: "Cannot enlarge
 *   memory", "Aborted(OOM)"
 * - WebGPU: a `GPUOutOfMemoryError`
 */
const ALLOCATION_PATTERNS: readonly RegExp[] = [
  /failed to allocate/i,
  /allocation failed/i,
  /bad_alloc/i,
  /out of memory/i,
  /\bOOM\b/,
  /could not allocate memory/i,
  /cannot enlarge memory/i,
  /maximum memory size exceeded/i,
  /GPUOutOfMemoryError/,
];

/**
 * True when an error from ONNX Runtime says memory ran out (so a caller can retry with a
 * smaller batch or another device) rather than that the model or its inputs are wrong.
 * Looks through `cause` chains, since loaders wrap what ORT throws.
 */
export function isOrtAllocationError(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; current !== undefined && current !== null && !seen.has(current);) {
    seen.add(current);
    const text = describe(current);
    if (ALLOCATION_PATTERNS.some((pattern) => pattern.test(text))) return true;
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  return false;
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'object' && value !== null) {
    const { name, message } = value as { name?: unknown; message?: unknown };
    return `${String(name ?? value.constructor?.name ?? '')}: ${String(message ?? '')}`;
  }
  return String(value);
}
