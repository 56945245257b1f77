/** A mono 16-bit PCM WAV of `samples` (−1…1) at `sampleRate`, as a Blob, for tests that need a sound. */
export function wavBlob(samples: Float32Array, sampleRate: number): Blob {
  const data = new DataView(new ArrayBuffer(44 + samples.length * 2));
  const ascii = (offset: number, text: string) => [...text].forEach((c, i) => data.setUint8(offset + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  data.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  data.setUint32(16, 16, true);
  data.setUint16(20, 1, true);
  data.setUint16(22, 1, true);
  data.setUint32(24, sampleRate, true);
  data.setUint32(28, sampleRate * 2, true);
  data.setUint16(32, 2, true);
  data.setUint16(34, 16, true);
  ascii(36, 'data');
  data.setUint32(40, samples.length * 2, true);
  samples.forEach((s, i) => data.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, s)) * 32767), true));
  return new Blob([data.buffer]);
}

/** `seconds` of a sine at `hz` (amplitude 0.5) at `sampleRate`. */
export function tone(hz: number, seconds: number, sampleRate: number): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / sampleRate));
}
