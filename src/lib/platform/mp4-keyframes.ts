/**
 * Finds up to `count` keyframes spread over an MP4 / MOV's first video track, with what WebCodecs
 * needs to decode them, by reading only the boxes that describe samples (`moov`, and each `moof`
 * of a fragmented file) and the chosen samples' bytes, never the media data between them.
 *
 * Pure demuxing (mp4box.js), so it runs in a worker and in Node alike.
 */
import { MP4BoxBuffer, VisualSampleEntry, createFile, type Movie, type Sample, type Track } from 'mp4box';
import { decoderDescription, looksLikeMp4 } from './mp4-first-frame';

/** A read this long answers the next box header and, usually, a whole `moof` with it. */
const READ_WINDOW = 16 * 1024;
/**
 * Top-level boxes walked at most (two per fragment): bounds the reads of a long fragmented file,
 * whose keyframes past that many fragments are then left out.
 */
const MAX_TOP_LEVEL_BOXES = 20_000;
/** A `moov` / `moof` larger than this is not a movie we can hold (a broken size, most likely). */
const MAX_PARSED_BOX_BYTES = 256 * 1024 * 1024;
/** The boxes mp4box must parse; every other one is handed over as its header alone. */
const PARSED_BOXES = new Set(['ftyp', 'moov', 'moof']);

export interface Mp4KeyframeSample {
  readonly data: Uint8Array<ArrayBuffer>;
  /** Presentation time and duration in microseconds. */
  readonly timestamp: number;
  readonly duration: number;
}

export interface Mp4Keyframes {
  /** WebCodecs codec string, e.g. `avc1.64001f`. */
  readonly codec: string;
  readonly codedWidth: number;
  readonly codedHeight: number;
  /** The decoder configuration record, without its box header; absent for codecs without one. */
  readonly description?: Uint8Array<ArrayBuffer>;
  /** In presentation order, the first keyframe first. */
  readonly keyframes: readonly Mp4KeyframeSample[];
}

/** One Blob read at a time, kept so the headers and small boxes that follow it cost no new read. */
class WindowedReader {
  private start = 0;
  private bytes = new Uint8Array(0);
  constructor(private readonly blob: Blob) {}

  async read(position: number, length: number): Promise<Uint8Array> {
    const offset = position - this.start;
    if (offset < 0 || offset + length > this.bytes.length) {
      const end = Math.min(this.blob.size, position + Math.max(length, READ_WINDOW));
      this.bytes = new Uint8Array(await this.blob.slice(position, end).arrayBuffer());
      this.start = position;
      return this.bytes.subarray(0, length);
    }
    return this.bytes.subarray(offset, offset + length);
  }
}

interface BoxHeader {
  readonly type: string;
  readonly size: number;
  readonly header: Uint8Array;
}

async function readBoxHeader(reader: WindowedReader, position: number, fileSize: number): Promise<BoxHeader | null> {
  if (position + 8 > fileSize) return null;
  const head = await reader.read(position, Math.min(16, fileSize - position));
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const type = String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!);
  let size = view.getUint32(0);
  let headerSize = 8;
  if (size === 1) {
    if (head.length < 16) return null;
    size = view.getUint32(8) * 2 ** 32 + view.getUint32(12);
    headerSize = 16;
  } else if (size === 0) size = fileSize - position; // The last box, up to the end of the file.
  if (size < headerSize) throw new Error(`The '${type}' box at byte ${position} has an impossible size (${size})`);
  return { type, size, header: head.slice(0, headerSize) };
}

/**
 * Feeds mp4box the boxes it needs, in file order, at their file positions. Every other box goes
 * over as its header retyped `mdat`: mp4box skips media data by seeking past it to the next
 * buffer it is given, which is how the walk jumps from box to box without reading between.
 * Returns the movie once its samples are known; null when the file has no `moov` (a HEIF
 * picture, say); throws when it is cut short or mp4box finds it broken.
 */
async function parseMovie(bytes: Blob, file: ReturnType<typeof createFile>): Promise<Movie | null> {
  let movie: Movie | undefined;
  let failure: string | undefined;
  file.onError = (module: string, message: string) => {
    failure = `${module}: ${message}`;
  };
  file.onReady = (info: Movie) => {
    movie = info;
  };
  const reader = new WindowedReader(bytes);
  const append = (data: Uint8Array, position: number) =>
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(data.slice().buffer, position), position + data.length >= bytes.size);

  let position = 0;
  let sawMoov = false;
  for (let boxes = 0; boxes < MAX_TOP_LEVEL_BOXES && failure === undefined; boxes++) {
    // Bytes after the last box that make no box (padding, junk) matter only before the moov.
    const box = await readBoxHeader(reader, position, bytes.size).catch((error: unknown) => {
      if (movie) return null;
      throw error;
    });
    if (!box) break;
    const end = position + box.size;
    if (PARSED_BOXES.has(box.type)) {
      if (end > bytes.size) throw new Error(`The video is truncated: its '${box.type}' box needs ${end} bytes, the file has ${bytes.size}`);
      if (box.size > MAX_PARSED_BOX_BYTES) throw new Error(`The video's '${box.type}' box is too large (${box.size} bytes)`);
      sawMoov ||= box.type === 'moov';
      append(await reader.read(position, box.size), position);
      // A plain movie's samples are all in its moov; a fragmented one's are in the moofs after it.
      if (movie && !movie.isFragmented) break;
    } else {
      if (end > bytes.size && !sawMoov)
        throw new Error(`The video is truncated: its '${box.type}' box needs ${end} bytes, the file has ${bytes.size}`);
      if (end >= bytes.size) break; // Nothing after it to parse.
      const header = box.header.slice();
      header.set([0x6d, 0x64, 0x61, 0x74], 4); // 'mdat'
      append(header, position);
    }
    position = end;
  }
  if (failure !== undefined) throw new Error(`The video container could not be read (${failure})`);
  if (!movie) {
    if (sawMoov) throw new Error('The video container could not be read (its moov box is incomplete)');
    return null;
  }
  return movie;
}

/**
 * Indices of up to `count` of `times` (ascending), the first always: the one nearest the start
 * of each of `count` equal parts of [times[0], end), each after the one before.
 */
export function spreadPicks(times: readonly number[], end: number, count: number): number[] {
  const n = times.length;
  if (count >= n) return times.map((_, i) => i);
  const picks: number[] = [];
  const span = Math.max(0, end - times[0]!);
  for (let i = 0; i < count; i++) {
    const target = times[0]! + (i * span) / count;
    // Leave room for the picks still to come.
    const low = i === 0 ? 0 : picks[i - 1]! + 1;
    const high = n - (count - i);
    let best = low;
    for (let j = low + 1; j <= high && times[j]! - target < target - times[best]!; j++) best = j;
    picks.push(best);
  }
  return picks;
}

/** The offset of the track's presentation timeline, from its edit list, in track units. */
function presentationShift(track: Track): number {
  const edits = track.edits ?? [];
  let shift = 0;
  for (const edit of edits) {
    // An empty edit delays the start; the first real one says where in the media it starts.
    if (edit.media_time === -1) shift -= (edit.segment_duration * track.timescale) / (track.movie_timescale || 1);
    else return shift + edit.media_time;
  }
  return 0;
}

/**
 * Up to `count` keyframes of the first video track, spread over its length, first one first;
 * null when the bytes are not an MP4 / MOV with a video track. Throws when the file is cut
 * short or its container is broken.
 */
export async function mp4Keyframes(bytes: Blob, count: number): Promise<Mp4Keyframes | null> {
  if (!looksLikeMp4(new Uint8Array(await bytes.slice(0, 16).arrayBuffer()))) return null;
  const file = createFile();
  const movie = await parseMovie(bytes, file);
  const track = movie?.videoTracks[0];
  if (!track) return null;

  const samples: Sample[] = file.getTrackSamplesInfo(track.id) ?? [];
  let end = 0;
  let lastByte = 0;
  for (const s of samples) {
    end = Math.max(end, s.cts + s.duration);
    lastByte = Math.max(lastByte, s.offset + s.size);
  }
  if (lastByte > bytes.size) throw new Error(`The video is truncated: its samples need ${lastByte} bytes, the file has ${bytes.size}`);
  const sync = samples.filter((s) => s.is_sync).sort((a, b) => a.cts - b.cts);
  const chosen = spreadPicks(
    sync.map((s) => s.cts),
    end,
    Math.max(0, Math.floor(count)),
  ).map((i) => sync[i]!);

  const shift = presentationShift(track);
  const keyframes: Mp4KeyframeSample[] = [];
  for (const sample of chosen) {
    const data = new Uint8Array(await bytes.slice(sample.offset, sample.offset + sample.size).arrayBuffer());
    if (data.length !== sample.size) throw new Error(`The video is truncated at byte ${sample.offset + data.length}`);
    const timescale = sample.timescale || track.timescale || 1;
    keyframes.push({
      data,
      timestamp: Math.max(0, Math.round(((sample.cts - shift) * 1e6) / timescale)),
      duration: Math.round((sample.duration * 1e6) / timescale),
    });
  }

  const entry = file.getTrackById(track.id).mdia.minf.stbl.stsd.entries.find((e): e is VisualSampleEntry => e instanceof VisualSampleEntry);
  return {
    codec: track.codec,
    codedWidth: track.video?.width ?? entry?.width ?? track.track_width,
    codedHeight: track.video?.height ?? entry?.height ?? track.track_height,
    description: entry ? decoderDescription(entry) : undefined,
    keyframes,
  };
}
