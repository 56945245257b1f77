import { createFile, MP4BoxBuffer, type Movie, type Track } from 'mp4box';
import { parseBlob, type IAudioMetadata } from 'music-metadata';

export interface VideoExtraction {
  /** Display size of the first video track (rotation by the track matrix applied). */
  readonly width: number | null;
  readonly height: number | null;
  readonly durationSeconds: number | null;
  /** Average frames per second (frames ÷ track duration), rounded to 3 decimals. */
  readonly frameRate: number | null;
  readonly frameCount: number | null;
  /** RFC 6381 codec string for MP4 (`avc1.42c00a`, `hvc1…`), the codec name for Matroska (`VP8`). */
  readonly codec: string | null;
}

/** The largest movie header (moov box) read; a long recording's is a few MB. */
const MAX_MOOV_BYTES = 64 << 20;
/** Give up looking for the movie header after this many top-level boxes. */
const MAX_TOP_LEVEL_BOXES = 10_000;
/** `ftyp` `qt  ` 0x200 `qt  `, for QuickTime files old enough to have no file-type box. */
const QUICKTIME_FTYP = new Uint8Array([0, 0, 0, 20, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20, 0, 0, 2, 0, 0x71, 0x74, 0x20, 0x20]);

const ISO_BMFF_BOXES: ReadonlySet<string> = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid']);
const ISO_BMFF_TYPES: ReadonlySet<string> = new Set([
  'video/mp4',
  'video/quicktime',
  'video/x-m4v',
  'video/3gpp',
  'video/3gpp2',
  'audio/mp4',
  'audio/x-m4a',
]);
const MATROSKA_TYPES: ReadonlySet<string> = new Set(['video/webm', 'video/x-matroska', 'audio/webm', 'audio/x-matroska']);

/**
 * Size, duration, frame rate and codec of a video. MP4/MOV/M4V/3GP are read with mp4box from
 * their movie header alone (found by box headers, wherever it is; the media data is never
 * read); WebM/Matroska and anything else through music-metadata, which streams the Blob. `mimeType` is a hint,
 * the bytes decide. Throws `Error('Not a readable video file: …')` when neither can read it.
 */
export async function extractVideo(bytes: Blob, mimeType: string | null): Promise<VideoExtraction> {
  const head = new Uint8Array(await bytes.slice(0, 12).arrayBuffer());
  const type = (mimeType?.split(';')[0] ?? '').trim().toLowerCase();
  const isoBmff = head.length >= 8 ? ISO_BMFF_BOXES.has(String.fromCharCode(...head.subarray(4, 8))) : false;
  const ebml = head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3;
  if (isoBmff || (!ebml && ISO_BMFF_TYPES.has(type))) return readIsoBmff(bytes);
  return readWithMusicMetadata(bytes, ebml || MATROSKA_TYPES.has(type) ? 'video/webm' : type || null);
}

async function readIsoBmff(blob: Blob): Promise<VideoExtraction> {
  // One walk, resumed after the moov for fragment headers (a for-await `break` would end it).
  const boxes = topLevelBoxes(blob);
  let ftyp: Uint8Array | null = null;
  let moov: Uint8Array | null = null;
  for (let next = await boxes.next(); !next.done; next = await boxes.next()) {
    const box = next.value;
    if (box.type === 'ftyp' && ftyp === null && box.size <= 4096) {
      ftyp = await readBox(blob, box);
    } else if (box.type === 'moov') {
      if (box.size > MAX_MOOV_BYTES) throw new Error(`Not a readable video file: its movie header is over ${MAX_MOOV_BYTES >> 20} MB`);
      moov = await readBox(blob, box);
      break;
    }
  }
  if (moov === null) throw new Error('Not a readable video file: no movie header (moov box)');

  const file = createFile();
  const state: { movie: Movie | null; error: string | null } = { movie: null, error: null };
  file.onReady = (movie) => {
    state.movie = movie;
  };
  file.onError = (module, message) => {
    state.error ??= `${module}: ${message}`;
  };
  // mp4box sees the boxes it needs as one contiguous file: a file-type box first (it requires
  // one), the movie header, then any fragment headers; the media data (mdat) is never read.
  let fileStart = 0;
  const append = (bytes: Uint8Array, last: boolean): void => {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(buffer, fileStart), last);
    fileStart += bytes.byteLength;
  };
  try {
    append(ftyp ?? QUICKTIME_FTYP, false);
    append(moov, true);
    let movie = state.movie as Movie | null;
    if (movie?.isFragmented && !hasDuration(movie)) {
      // No overall duration in the header (no mehd box): add up the fragments' headers.
      let read = 0;
      let complete = false;
      for (let next = await boxes.next(); ; next = await boxes.next()) {
        if (next.done) {
          complete = next.value;
          break;
        }
        const box = next.value;
        if (box.type !== 'moof') continue;
        if (box.size > MAX_MOOV_BYTES - read) break;
        read += box.size;
        append(await readBox(blob, box), false);
      }
      // Part of the fragments would give part of the duration: better none.
      if (complete && read > 0) movie = file.getInfo();
      state.movie = movie;
    }
  } catch (error) {
    throw new Error(`Not a readable video file: ${messageOf(error)}`, { cause: error });
  }
  const movie = state.movie;
  if (movie === null) throw new Error(`Not a readable video file: ${state.error ?? 'the movie header (moov box) is incomplete'}`);
  const track = movie.videoTracks[0] ?? null;
  const durationSeconds = movieDuration(movie, track);
  if (track === null) {
    return { width: null, height: null, durationSeconds, frameRate: null, frameCount: null, codec: null };
  }
  const [width, height] = displaySize(track);
  const trackSeconds = trackDuration(movie, track);
  const frameCount = track.nb_samples > 0 ? track.nb_samples : null;
  const frameRate = frameCount !== null && trackSeconds !== null ? Math.round((frameCount / trackSeconds) * 1000) / 1000 : null;
  return { width, height, durationSeconds, frameRate, frameCount, codec: track.codec || null };
}

interface BoxHeader {
  readonly type: string;
  readonly start: number;
  readonly size: number;
}

/**
 * The top-level boxes of an ISO BMFF file, from their headers alone (16 bytes read per box): a
 * file without +faststart has its moov after gigabytes of media data, which is skipped, not read.
 * Stops at the end, at a malformed header, or after MAX_TOP_LEVEL_BOXES boxes; returns whether
 * it walked the whole file.
 */
async function* topLevelBoxes(blob: Blob): AsyncGenerator<BoxHeader, boolean> {
  let position = 0;
  for (let count = 0; count < MAX_TOP_LEVEL_BOXES && position + 8 <= blob.size; count++) {
    const header = new Uint8Array(await blob.slice(position, position + 16).arrayBuffer());
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const type = String.fromCharCode(...header.subarray(4, 8));
    if (!/^[\x20-\x7e]{4}$/.test(type)) return false;
    let size = view.getUint32(0);
    if (size === 1) {
      if (header.length < 16) return false;
      size = Number(view.getBigUint64(8));
    } else if (size === 0) {
      size = blob.size - position;
    }
    if (size < 8) return false;
    yield { type, start: position, size };
    position += size;
  }
  return position >= blob.size;
}

async function readBox(blob: Blob, box: BoxHeader): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(box.start, box.start + box.size).arrayBuffer());
}

function hasDuration(movie: Movie): boolean {
  return (movie.timescale > 0 && movie.duration > 0) || (movie.fragment_duration?.num ?? 0) > 0;
}

function movieDuration(movie: Movie, track: Track | null): number | null {
  if (movie.timescale > 0 && movie.duration > 0) return movie.duration / movie.timescale;
  const fragments = movie.fragment_duration;
  if (fragments && fragments.den > 0 && fragments.num > 0) return fragments.num / fragments.den;
  return track ? trackDuration(movie, track) : null;
}

/** The track's own duration: from its media header, or from its samples in a fragmented file. */
function trackDuration(movie: Movie, track: Track): number | null {
  if (track.timescale <= 0) return null;
  if (track.duration > 0) return track.duration / track.timescale;
  if (movie.isFragmented && track.samples_duration > 0) return track.samples_duration / track.timescale;
  return null;
}

/** The track header's size (which includes the pixel aspect ratio), turned by a quarter-turn matrix. */
function displaySize(track: Track): [number | null, number | null] {
  const width = positiveInteger(track.track_width) ?? positiveInteger(track.video?.width);
  const height = positiveInteger(track.track_height) ?? positiveInteger(track.video?.height);
  const matrix = track.matrix;
  // [a b u; c d v; x y w]: a = d = 0 means a rotation by 90° or 270°.
  const quarterTurn = matrix.length >= 5 && matrix[0] === 0 && matrix[4] === 0 && matrix[1] !== 0;
  return quarterTurn ? [height, width] : [width, height];
}

async function readWithMusicMetadata(blob: Blob, mimeType: string | null): Promise<VideoExtraction> {
  const typed = mimeType && !blob.type ? new Blob([blob], { type: mimeType }) : blob;
  let parsed: IAudioMetadata;
  try {
    parsed = await parseBlob(typed, { duration: true, skipCovers: true });
  } catch (error) {
    throw new Error(`Not a readable video file: ${messageOf(error)}`, { cause: error });
  }
  const { format } = parsed;
  const track = format.trackInfo.find((t) => t.video !== undefined) ?? null;
  if (track === null && format.hasVideo !== true) {
    throw new Error(`Not a readable video file: no video track found${format.container ? ` in ${format.container}` : ''}`);
  }
  const duration = format.duration;
  return {
    width: positiveInteger(track?.video?.pixelWidth),
    height: positiveInteger(track?.video?.pixelHeight),
    durationSeconds: duration !== undefined && Number.isFinite(duration) && duration > 0 ? duration : null,
    frameRate: null,
    frameCount: null,
    codec: track?.codecName?.trim() || null,
  };
}

function positiveInteger(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.round(value) : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
