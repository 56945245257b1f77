import { AudioDecodeError } from './audio-codec';

/**
 * WAV (RIFF, RF64 and BW64) with integer PCM of 8, 16, 24 or 32 bits or float PCM of 32 or 64
 * bits, plain or WAVE_FORMAT_EXTENSIBLE, read in slices of the Blob and mixed to mono as it is
 * read: a long recording is never whole in memory.
 */

export interface WavLayout {
  readonly encoding: 'int' | 'float';
  readonly bitsPerSample: number;
  readonly channels: number;
  readonly sampleRate: number;
  /** Bytes per frame (one sample of every channel). */
  readonly blockAlign: number;
  readonly dataOffset: number;
  readonly frames: number;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;
/** Sizes some writers leave in the header of a file they streamed (they never went back to fix it). */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);
const MAX_CHUNKS = 1000;

const fail = (message: string) => new AudioDecodeError(`This WAV file cannot be decoded: ${message}`);

async function readAt(bytes: Blob, head: Uint8Array, at: number, length: number): Promise<DataView> {
  const inHead =
    at + length <= head.length ? head.subarray(at, at + length) : new Uint8Array(await bytes.slice(at, at + length).arrayBuffer());
  if (inHead.length < length) throw fail(`it is truncated (it ends at byte ${bytes.size}, inside a chunk header)`);
  return new DataView(inHead.buffer, inHead.byteOffset, inHead.byteLength);
}

interface Format {
  readonly encoding: 'int' | 'float';
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockAlign: number;
  readonly bitsPerSample: number;
}

function parseFormat(fmt: DataView): Format {
  if (fmt.byteLength < 16) throw fail(`its format chunk is ${fmt.byteLength} bytes, too short`);
  let tag = fmt.getUint16(0, true);
  const channels = fmt.getUint16(2, true);
  const sampleRate = fmt.getUint32(4, true);
  const blockAlign = fmt.getUint16(12, true);
  const bitsPerSample = fmt.getUint16(14, true);
  // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
  if (tag === EXTENSIBLE && fmt.byteLength >= 26) tag = fmt.getUint16(24, true);
  const encoding = tag === PCM ? 'int' : tag === IEEE_FLOAT ? 'float' : null;
  if (!encoding) throw fail(`its encoding (format tag 0x${tag.toString(16)}) is not PCM (compressed WAV is not supported)`);
  const supported = encoding === 'int' ? [8, 16, 24, 32] : [32, 64];
  if (!supported.includes(bitsPerSample))
    throw fail(`${bitsPerSample}-bit ${encoding === 'int' ? 'integer' : 'float'} samples are not supported`);
  if (channels === 0 || sampleRate === 0) throw fail(`its format chunk says ${channels} channels at ${sampleRate} Hz`);
  if (blockAlign < (channels * bitsPerSample) / 8)
    throw fail(`its frames of ${blockAlign} bytes cannot hold ${channels} samples of ${bitsPerSample} bits`);
  return { encoding, channels, sampleRate, blockAlign, bitsPerSample };
}

/** Where the samples are and how they are stored; AudioDecodeError for anything else or a cut file. */
export async function readWavLayout(bytes: Blob, head: Uint8Array): Promise<WavLayout> {
  const riff = await readAt(bytes, head, 0, 12);
  const rf64 = riff.getUint32(0) !== 0x52494646; // 'RIFF'; else RF64 / BW64, sizes in 'ds64'
  let format: Format | null = null;
  let dataSize64: number | null = null;
  let at = 12;
  for (let chunks = 0; chunks < MAX_CHUNKS; chunks++) {
    const header = await readAt(bytes, head, at, 8);
    const id = String.fromCharCode(header.getUint8(0), header.getUint8(1), header.getUint8(2), header.getUint8(3));
    let size = header.getUint32(4, true);
    const body = at + 8;
    if (id === 'ds64' && rf64) {
      const ds64 = await readAt(bytes, head, body, 16);
      dataSize64 = ds64.getUint32(8, true) + ds64.getUint32(12, true) * 2 ** 32;
    } else if (id === 'fmt ') {
      format = parseFormat(await readAt(bytes, head, body, Math.min(size, 40)));
    } else if (id === 'data') {
      if (!format) throw fail('its data chunk comes before any format chunk');
      if (rf64 && size === 0xffffffff && dataSize64 !== null) size = dataSize64;
      else if (UNKNOWN_SIZES.has(size)) size = bytes.size - body;
      if (body + size > bytes.size) throw fail(`it is truncated: its samples need ${body + size} bytes, the file has ${bytes.size}`);
      return { ...format, dataOffset: body, frames: Math.floor(size / format.blockAlign) };
    }
    at = body + size + (size % 2);
    if (at + 8 > bytes.size) break;
  }
  throw fail(format ? 'it has no data chunk' : 'it has no format chunk');
}

/** Frames of `view` (whole frames only) averaged over the channels. */
function monoFrames(view: DataView, layout: WavLayout): Float32Array {
  const { channels, blockAlign, bitsPerSample, encoding } = layout;
  const frames = Math.floor(view.byteLength / blockAlign);
  const out = new Float32Array(frames);
  const width = bitsPerSample / 8;
  const scale = 1 / channels;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0, at = f * blockAlign; c < channels; c++, at += width) {
      if (encoding === 'float') sum += width === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
      else if (width === 2) sum += view.getInt16(at, true) / 32768;
      else if (width === 3) sum += ((view.getUint8(at + 2) << 24) | (view.getUint8(at + 1) << 16) | (view.getUint8(at) << 8)) / 2147483648;
      else if (width === 4) sum += view.getInt32(at, true) / 2147483648;
      else sum += (view.getUint8(at) - 128) / 128;
    }
    out[f] = sum * scale;
  }
  return out;
}

/** The samples mixed to mono, a slice of about `sliceBytes` at a time (whole frames). */
export async function* wavMonoSlices(bytes: Blob, layout: WavLayout, sliceBytes = 1 << 20): AsyncGenerator<Float32Array> {
  const step = Math.max(1, Math.floor(sliceBytes / layout.blockAlign)) * layout.blockAlign;
  const end = layout.dataOffset + layout.frames * layout.blockAlign;
  for (let at = layout.dataOffset; at < end; at += step) {
    const buffer = await bytes.slice(at, Math.min(end, at + step)).arrayBuffer();
    yield monoFrames(new DataView(buffer), layout);
  }
}
