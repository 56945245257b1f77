// Node resolves music-metadata's `node` export (which adds file helpers); browsers and the
// worker get its `default` (core) export. Both have `parseBlob`, which streams the Blob.
import { parseBlob, type IAudioMetadata } from 'music-metadata';

/** The tags worth keeping, JSON-safe; a key is absent when the file does not say. */
export interface AudioTags {
  title?: string;
  artist?: string;
  artists?: string[];
  album?: string;
  albumArtist?: string;
  composer?: string[];
  year?: number;
  date?: string;
  genre?: string[];
  track?: number;
  trackTotal?: number;
  disc?: number;
  discTotal?: number;
  comment?: string[];
}

export interface AudioExtraction {
  readonly durationSeconds: number | null;
  /** E.g. `PCM`, `MPEG 2 Layer 3`, `AAC`, `FLAC`, `Opus`. */
  readonly codec: string | null;
  /** E.g. `WAVE`, `MPEG`, `Ogg`, `M4A/isom…`. */
  readonly container: string | null;
  readonly sampleRate: number | null;
  readonly channels: number | null;
  readonly bitRateKbps: number | null;
  readonly tags: AudioTags;
}

/**
 * Duration, stream properties and tags of an audio file (MP3, WAV, FLAC, Ogg/Opus, AAC/M4A,
 * AIFF…). `mimeType` is a hint for formats the bytes do not announce. Cover art is skipped.
 * Throws `Error('Not a readable audio file: …')` when the bytes cannot be parsed.
 */
export async function extractAudio(bytes: Blob, mimeType: string | null): Promise<AudioExtraction> {
  const blob = mimeType && !bytes.type ? new Blob([bytes], { type: mimeType }) : bytes;
  let parsed: IAudioMetadata;
  try {
    parsed = await parseBlob(blob, { duration: true, skipCovers: true });
  } catch (error) {
    throw new Error(`Not a readable audio file: ${messageOf(error)}`, { cause: error });
  }
  const { format, common } = parsed;
  // A MIME hint can make a parser accept any bytes and find nothing in them.
  if (format.duration === undefined && format.codec === undefined && format.sampleRate === undefined) {
    throw new Error(`Not a readable audio file: no audio stream found${format.container ? ` in ${format.container}` : ''}`);
  }
  return {
    durationSeconds: positive(format.duration),
    codec: text(format.codec),
    container: text(format.container),
    sampleRate: positive(format.sampleRate),
    channels: positive(format.numberOfChannels),
    bitRateKbps: format.bitrate !== undefined && positive(format.bitrate) !== null ? Math.round(format.bitrate / 100) / 10 : null,
    tags: tagsOf(common),
  };
}

function tagsOf(common: IAudioMetadata['common']): AudioTags {
  const tags: AudioTags = {};
  const title = text(common.title);
  if (title !== null) tags.title = title;
  const artist = text(common.artist);
  if (artist !== null) tags.artist = artist;
  const artists = texts(common.artists);
  if (artists.length > 1) tags.artists = artists;
  const album = text(common.album);
  if (album !== null) tags.album = album;
  const albumArtist = text(common.albumartist);
  if (albumArtist !== null) tags.albumArtist = albumArtist;
  const composer = texts(common.composer);
  if (composer.length > 0) tags.composer = composer;
  const year = positive(common.year);
  if (year !== null) tags.year = year;
  const date = text(common.date);
  if (date !== null) tags.date = date;
  const genre = texts(common.genre);
  if (genre.length > 0) tags.genre = genre;
  const track = positive(common.track.no);
  if (track !== null) tags.track = track;
  const trackTotal = positive(common.track.of);
  if (trackTotal !== null) tags.trackTotal = trackTotal;
  const disc = positive(common.disk.no);
  if (disc !== null) tags.disc = disc;
  const discTotal = positive(common.disk.of);
  if (discTotal !== null) tags.discTotal = discTotal;
  const comment = texts((common.comment ?? []).map((c) => c.text));
  if (comment.length > 0) tags.comment = comment;
  return tags;
}

function positive(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function text(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const trimmed = value.replace(/^[\s\u0000]+|[\s\u0000]+$/g, '');
  return trimmed === '' ? null : trimmed;
}

function texts(values: readonly (string | null | undefined)[] | undefined): string[] {
  const out: string[] = [];
  for (const value of values ?? []) {
    const t = text(value);
    if (t !== null && !out.includes(t)) out.push(t);
  }
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
