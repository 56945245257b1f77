/**
 * MPEG audio (MP3, MP2) frame headers and the Xing / Info / VBRI header that encoders put in the
 * first frame: how many frames the stream has and how many bytes, and (LAME) how many samples of
 * encoder delay and padding to drop. Enough to recognise an MPEG stream and to tell a truncated one.
 */

export interface MpegFrameHeader {
  readonly version: 1 | 2 | 2.5;
  readonly layer: 1 | 2 | 3;
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  readonly samplesPerFrame: number;
  readonly frameBytes: number;
}

export interface MpegStreamInfo {
  readonly header: MpegFrameHeader;
  /** Audio frames after the Xing/VBRI frame, when the stream says. */
  readonly frames?: number;
  /** Bytes of the whole stream (the Xing frame included), when the stream says. */
  readonly streamBytes?: number;
  /** Samples the decoder drops at the start and end (LAME tag), when the stream says. */
  readonly delay?: number;
  readonly padding?: number;
}

const BITRATES_KBPS: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 2.5: [11025, 12000, 8000] };

/** The frame header at `at`, or null where the bytes are not one (free-format frames included). */
export function parseMpegFrameHeader(bytes: Uint8Array, at: number): MpegFrameHeader | null {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return null;
  const b1 = bytes[at + 1]!;
  const b2 = bytes[at + 2]!;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const kbps = BITRATES_KBPS[`${version === 1 ? 1 : 2}-${layer}`]![bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[version]![rateIndex]!;
  const pad = (b2 >> 1) & 1;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  const frameBytes =
    layer === 1
      ? 4 * (Math.floor((12_000 * kbps) / sampleRate) + pad)
      : Math.floor(((samplesPerFrame / 8) * kbps * 1000) / sampleRate) + pad;
  const channels = bytes[at + 3]! >> 6 === 3 ? 1 : 2;
  return { version, layer, sampleRate, channels, samplesPerFrame, frameBytes };
}

/**
 * Where an MPEG audio stream starts in `bytes` (searched over the first `within` bytes): a frame
 * header followed by another of the same kind, or one header alone where `trusted` (after an
 * ID3 tag, which says what follows). −1 when there is none.
 */
export function findMpegStream(bytes: Uint8Array, within: number, trusted: boolean): number {
  const end = Math.min(bytes.length - 4, within);
  for (let at = 0; at <= end; at++) {
    const header = parseMpegFrameHeader(bytes, at);
    if (!header) continue;
    const next = parseMpegFrameHeader(bytes, at + header.frameBytes);
    if (next && next.layer === header.layer && next.sampleRate === header.sampleRate) return at;
    if (trusted && (at === 0 || at + header.frameBytes + 4 > bytes.length)) return at;
  }
  return -1;
}

const uint32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** The stream's first frame header and what its Xing / Info / VBRI header says. */
export function readMpegStreamInfo(bytes: Uint8Array, at: number): MpegStreamInfo | null {
  const header = parseMpegFrameHeader(bytes, at);
  if (!header) return null;
  const sideInfo = header.version === 1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const xing = at + 4 + sideInfo;
  const tag = String.fromCharCode(...bytes.subarray(xing, xing + 4));
  if (tag === 'Xing' || tag === 'Info') {
    const flags = uint32(bytes, xing + 4);
    let field = xing + 8;
    const frames = flags & 1 ? uint32(bytes, field) : undefined;
    if (flags & 1) field += 4;
    const streamBytes = flags & 2 ? uint32(bytes, field) : undefined;
    if (flags & 2) field += 4;
    if (flags & 4) field += 100;
    if (flags & 8) field += 4;
    // The LAME extension: a 9-byte encoder name, then 12 bits of delay and 12 of padding at +21.
    const lame = String.fromCharCode(...bytes.subarray(field, field + 4));
    if ((lame === 'LAME' || lame === 'Lavc' || lame === 'Lavf') && field + 24 <= bytes.length) {
      const delay = (bytes[field + 21]! << 4) | (bytes[field + 22]! >> 4);
      const padding = ((bytes[field + 22]! & 0x0f) << 8) | bytes[field + 23]!;
      return { header, frames, streamBytes, delay, padding };
    }
    return { header, frames, streamBytes };
  }
  const vbri = at + 36;
  if (String.fromCharCode(...bytes.subarray(vbri, vbri + 4)) === 'VBRI') {
    return { header, streamBytes: uint32(bytes, vbri + 10), frames: uint32(bytes, vbri + 14) };
  }
  return { header };
}

/** Samples per channel the stream decodes to by its header (gapless: delay and padding dropped), if it says. */
export function mpegStreamSamples(info: MpegStreamInfo): number | undefined {
  if (info.frames === undefined) return undefined;
  // LAME's padding already counts the decoder's own delay (529 samples), which mpg123 drops too.
  const trimmed = info.delay === undefined ? 0 : info.delay + (info.padding ?? 0);
  return Math.max(0, info.frames * info.header.samplesPerFrame - trimmed);
}
