/**
 * What an Ogg file's first and last pages say: which codec the first logical stream carries
 * (Opus, Vorbis or another), its rate and channels, and whether the file ends with that stream's
 * complete end-of-stream page and at which sample. The decoders cannot tell a cut file: given
 * one, ogg-opus-decoder hands out several times the samples the file holds.
 */

export interface OggHead {
  /** `opus`, `vorbis`, or the first packet's signature for other codecs (`Speex`, `theora`, `FLAC`…). */
  readonly codec: string;
  readonly serial: number;
  readonly sampleRate: number;
  readonly channels: number;
  /** Opus: samples at 48 kHz the decoder drops at the start. */
  readonly preSkip: number;
}

export interface OggEnd {
  /** The last page is all there and is its stream's last (end-of-stream flag). */
  readonly complete: boolean;
  readonly serial: number;
  /** The last page's granule position: samples up to its end, at the codec's granule rate. */
  readonly granule: number;
}

/** The longest page: 27 header bytes, 255 lacing values of up to 255 bytes each. */
export const MAX_OGG_PAGE_BYTES = 27 + 255 + 255 * 255;
const EOS_FLAG = 0x04;

const isCapture = (b: Uint8Array, at: number) =>
  b[at] === 0x4f && b[at + 1] === 0x67 && b[at + 2] === 0x67 && b[at + 3] === 0x53 && b[at + 4] === 0;
const text = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** The page at `at`: where its payload starts and how long the page is, or null when the header is cut short. */
function pageAt(b: Uint8Array, at: number): { payload: number; length: number } | null {
  if (at + 27 > b.length) return null;
  const segments = b[at + 26]!;
  if (at + 27 + segments > b.length) return null;
  let body = 0;
  for (let i = 0; i < segments; i++) body += b[at + 27 + i]!;
  return { payload: at + 27 + segments, length: 27 + segments + body };
}

/** The codec of the stream that starts on the file's first page, or null where `head` is no Ogg page. */
export function readOggHead(head: Uint8Array): OggHead | null {
  if (!isCapture(head, 0)) return null;
  const page = pageAt(head, 0);
  if (!page) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const serial = view.getUint32(14, true);
  const p = page.payload;
  if (text(head, p, p + 8) === 'OpusHead' && p + 19 <= head.length) {
    return { codec: 'opus', serial, sampleRate: 48_000, channels: head[p + 9]!, preSkip: view.getUint16(p + 10, true) };
  }
  if (text(head, p, p + 7) === '\x01vorbis' && p + 16 <= head.length) {
    return { codec: 'vorbis', serial, sampleRate: view.getUint32(p + 12, true), channels: head[p + 11]!, preSkip: 0 };
  }
  const signature = text(head, p, p + 8)
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
  return { codec: signature || 'unknown', serial, sampleRate: 0, channels: 0, preSkip: 0 };
}

/**
 * The last page of `tail` (the file's last bytes, at least MAX_OGG_PAGE_BYTES of them where
 * the file has that many): incomplete when it runs past the end or lacks the end-of-stream flag.
 */
export function readOggEnd(tail: Uint8Array): OggEnd | null {
  for (let at = tail.length - 27; at >= 0; at--) {
    if (!isCapture(tail, at)) continue;
    const page = pageAt(tail, at);
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    const serial = view.getUint32(at + 14, true);
    const granule = Number(view.getBigInt64(at + 6, true));
    const whole = page !== null && at + page.length <= tail.length;
    return { complete: whole && (tail[at + 5]! & EOS_FLAG) !== 0, serial, granule };
  }
  return null;
}
