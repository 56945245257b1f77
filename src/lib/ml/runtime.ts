/** True in Node (tests, the CLI), where model libraries read files from disk and take `cpu`, not `wasm`. */
export function isNodeRuntime(): boolean {
  return typeof process !== 'undefined' && process.release?.name === 'node';
}
