import { findMpegStream } from './mpeg-audio-header';

/** Containers told apart by their first bytes, the ones no decoder here reads included (for the error). */
export type AudioContainer = 'wav' | 'mpeg' | 'flac' | 'ogg' | 'mp4' | 'adts' | 'webm' | 'aiff' | 'caf' | 'asf' | 'amr' | 'ac3' | 'midi';

/** How errors name each container. */
export const AUDIO_CONTAINER_NAMES: Readonly<Record<AudioContainer, string>> = {
  wav: 'WAV',
  mpeg: 'MPEG audio (MP3)',
  flac: 'FLAC',
  ogg: 'Ogg',
  mp4: 'MP4/M4A/MOV (AAC audio or a video’s sound)',
  adts: 'raw AAC (ADTS)',
  webm: 'WebM/Matroska',
  aiff: 'AIFF',
  caf: 'Core Audio (CAF)',
  asf: 'Windows Media (ASF/WMA)',
  amr: 'AMR',
  ac3: 'AC-3',
  midi: 'MIDI',
};

export interface SniffedAudio {
  readonly container: AudioContainer | null;
  /** Where the stream starts: after ID3v2 tags, and after any junk before an MPEG stream's first frame. */
  readonly offset: number;
  /** The file's bytes from `offset`, up to HEAD_BYTES of them. */
  readonly head: Uint8Array;
}

/** Enough for every header read here, an MPEG stream's first frames and an Ogg file's first page. */
export const HEAD_BYTES = 64 * 1024;
/** Junk skipped before an MPEG stream's first frame at most. */
const MPEG_SEARCH_BYTES = 4096;
const MP4_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);

const text = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
const startsWith = (b: Uint8Array, bytes: readonly number[]) => bytes.every((value, i) => b[i] === value);

/** The length of the ID3v2 tag at the start of `b`, or 0 where there is none. */
function id3v2Length(b: Uint8Array): number {
  if (b.length < 10 || text(b, 0, 3) !== 'ID3' || b[3] === 0xff || b[4] === 0xff) return 0;
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return 10 + size + (b[5]! & 0x10 ? 10 : 0);
}

function isAdts(b: Uint8Array): boolean {
  if (b.length < 7 || b[0] !== 0xff || (b[1]! & 0xf6) !== 0xf0 || ((b[2]! >> 2) & 0x0f) > 12) return false;
  const length = ((b[3]! & 0x03) << 11) | (b[4]! << 3) | (b[5]! >> 5);
  if (length < 7) return false;
  return length + 2 > b.length || (b[length] === 0xff && (b[length + 1]! & 0xf6) === 0xf0);
}

/** The container by its signature, where it has one at the very start. */
function bySignature(b: Uint8Array): AudioContainer | null {
  const four = text(b, 0, 4);
  if ((four === 'RIFF' || four === 'RF64' || four === 'BW64') && text(b, 8, 12) === 'WAVE') return 'wav';
  if (four === 'fLaC') return 'flac';
  if (four === 'OggS') return 'ogg';
  if (four === 'FORM' && ['AIFF', 'AIFC'].includes(text(b, 8, 12))) return 'aiff';
  if (four === 'caff') return 'caf';
  if (four === 'MThd') return 'midi';
  if (text(b, 0, 5) === '#!AMR') return 'amr';
  if (startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return 'webm';
  if (startsWith(b, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return 'asf';
  if (b.length >= 8 && MP4_BOXES.has(text(b, 4, 8))) return 'mp4';
  if (startsWith(b, [0x0b, 0x77])) return 'ac3';
  if (isAdts(b)) return 'adts';
  return null;
}

/** Which container `bytes` holds, read from its first bytes (and past its ID3v2 tags). */
export async function sniffAudio(bytes: Blob): Promise<SniffedAudio> {
  let offset = 0;
  let head = new Uint8Array(await bytes.slice(0, HEAD_BYTES).arrayBuffer());
  let tagged = false;
  // MP3s (and the odd FLAC) may start with one ID3v2 tag or several, cover art and all.
  for (let tag = id3v2Length(head); tag > 0; tag = id3v2Length(head)) {
    offset += tag;
    tagged = true;
    head = new Uint8Array(await bytes.slice(offset, offset + HEAD_BYTES).arrayBuffer());
  }
  const container = bySignature(head);
  if (container) return { container, offset, head };
  const mpeg = findMpegStream(head, MPEG_SEARCH_BYTES, tagged);
  if (mpeg >= 0) return { container: 'mpeg', offset: offset + mpeg, head: head.subarray(mpeg) };
  return { container: null, offset, head };
}

/** The first bytes, in hex and as text, for an error about bytes nothing here recognises. */
export function describeHead(head: Uint8Array): string {
  const first = head.subarray(0, 8);
  if (first.length === 0) return 'it is empty';
  const hex = [...first].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const printable = String.fromCharCode(...first).replace(/[^\x20-\x7e]/g, '.');
  return `it starts with ${hex} (“${printable}”)`;
}
