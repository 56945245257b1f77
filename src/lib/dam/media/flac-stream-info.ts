/** A FLAC stream's STREAMINFO: its rate, channels and (when the encoder knew it) its length. */
export interface FlacStreamInfo {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** Samples per channel; 0 where the encoder did not know (a stream written live). */
  readonly totalSamples: number;
}

/**
 * The STREAMINFO block that must follow `fLaC` at `at`, or null where the bytes are no FLAC
 * stream. Its length is what lets a decode that stops early be told from a whole one: the
 * decoder itself stops quietly at the first frame it cannot read.
 */
export function readFlacStreamInfo(bytes: Uint8Array, at: number): FlacStreamInfo | null {
  if (at + 42 > bytes.length || String.fromCharCode(...bytes.subarray(at, at + 4)) !== 'fLaC') return null;
  // A metadata block header: last-block flag and type (0 = STREAMINFO) in one byte, then a 24-bit length.
  if ((bytes[at + 4]! & 0x7f) !== 0) return null;
  const b = bytes.subarray(at + 8, at + 42);
  const sampleRate = (b[10]! << 12) | (b[11]! << 4) | (b[12]! >> 4);
  const channels = ((b[12]! >> 1) & 7) + 1;
  const bitsPerSample = (((b[12]! & 1) << 4) | (b[13]! >> 4)) + 1;
  const totalSamples = (b[13]! & 0x0f) * 2 ** 32 + (((b[14]! << 24) | (b[15]! << 16) | (b[16]! << 8) | b[17]!) >>> 0);
  if (sampleRate === 0) return null;
  return { sampleRate, channels, bitsPerSample, totalSamples };
}
