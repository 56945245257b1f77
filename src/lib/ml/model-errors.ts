import { isOrtAllocationError } from './loaders/ort-errors';

/**
 * How the retry logic tells memory trouble from real failures. Memory errors come from three
 * places: WebGPU (`GPUOutOfMemoryError` from an error scope), ONNX Runtime (allocation failure
 * messages from its arenas), and WASM itself (a heap that cannot grow).
 */

/** The GPU device went away (`device.lost`, `destroy()`, a driver reset) while a job ran. */
export class DeviceLostError extends Error {
  override readonly name = 'DeviceLostError';
  constructor(
    message: string,
    readonly reason: string = 'unknown',
  ) {
    super(message);
  }
}

/** An out-of-memory condition turned into an Error where the source gave something else. */
export class ModelOutOfMemoryError extends Error {
  override readonly name = 'ModelOutOfMemoryError';
}

const DEVICE_LOST_MESSAGE = /device (?:was |is |has been )?lost|device (?:was |has been )?destroyed|GPUDevice.*lost|instance dropped/i;

function nameOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return typeof error === 'string' ? error : '';
}

export function isDeviceLostError(error: unknown): boolean {
  return error instanceof DeviceLostError || nameOf(error) === 'DeviceLostError' || DEVICE_LOST_MESSAGE.test(messageOf(error));
}

/** True for `GPUOutOfMemoryError`, ORT allocation failures and WASM heap exhaustion (cause chains included). */
export function isOutOfMemoryError(error: unknown): boolean {
  return nameOf(error) === 'ModelOutOfMemoryError' || isOrtAllocationError(error);
}
