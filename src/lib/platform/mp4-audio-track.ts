/**
 * The first audio track of an MP4 / M4A / MOV (a song, or a video's sound): what WebCodecs
 * needs to decode it, where each sample lies, and which part of the decoded sound the edit list
 * presents (AAC encoders prime the decoder with samples no one is meant to hear).
 *
 * Only the boxes that describe samples are parsed (`moov`, and each `moof` of a fragmented
 * file); every other top-level box goes to mp4box as a bare `mdat` header, which it skips, so
 * the media data is never read here. Pure demuxing: runs in a worker and in Node alike.
 */
import { AudioSampleEntry, DataStream, Endianness, MP4BoxBuffer, createFile, type Movie, type Sample, type Track } from 'mp4box';

/** Top-level boxes walked at most (two per fragment of a fragmented file). */
const MAX_TOP_LEVEL_BOXES = 20_000;
/** A `moov` / `moof` larger than this is a broken size, not a movie we can hold. */
const MAX_PARSED_BOX_BYTES = 256 * 1024 * 1024;
const PARSED_BOXES = new Set(['ftyp', 'moov', 'moof']);

export interface Mp4AudioSample {
  readonly offset: number;
  readonly size: number;
  /** Decode time and duration in microseconds. */
  readonly timestamp: number;
  readonly duration: number;
}

export interface Mp4AudioTrack {
  /** The codec string as the file names it (`mp4a.40.2`, `Opus`, `fLaC`, `mp4a.6B`…). */
  readonly codec: string;
  readonly sampleRate: number;
  readonly channels: number;
  /** The decoder configuration: AAC's AudioSpecificConfig, an OpusHead for Opus. */
  readonly description?: Uint8Array<ArrayBuffer>;
  /** In decode order. */
  readonly samples: readonly Mp4AudioSample[];
  /** Decoded seconds to drop at the start, as the edit list says (AAC priming). */
  readonly skipSeconds: number;
  /** Seconds presented after those, by the edit list or else the track's length. */
  readonly durationSeconds: number;
}

async function readBytes(blob: Blob, at: number, length: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(at, at + length).arrayBuffer());
}

/** Feeds mp4box the movie's sample tables; the movie, or null where the file has none. */
async function readMovie(bytes: Blob, file: ReturnType<typeof createFile>): Promise<Movie | null> {
  // Set from mp4box's callbacks, which the flow analysis cannot see.
  const state: { movie: Movie | null; failure: string | null } = { movie: null, failure: null };
  file.onError = (module: string, message: string) => {
    state.failure = `${module}: ${message}`;
  };
  file.onReady = (info: Movie) => {
    state.movie = info;
  };
  const give = (data: Uint8Array, at: number) =>
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(data.slice().buffer, at), at + data.length >= bytes.size);
  let at = 0;
  for (let count = 0; count < MAX_TOP_LEVEL_BOXES && state.failure === null && at + 8 <= bytes.size; count++) {
    const head = await readBytes(bytes, at, 16);
    const view = new DataView(head.buffer);
    const type = String.fromCharCode(...head.subarray(4, 8));
    let size = view.getUint32(0);
    let headerSize = 8;
    if (size === 1 && head.length >= 16) {
      size = view.getUint32(8) * 2 ** 32 + view.getUint32(12);
      headerSize = 16;
    } else if (size === 0) size = bytes.size - at;
    if (size < headerSize) {
      if (state.movie) break; // Junk after the movie's last box.
      throw new Error(`its '${type}' box at byte ${at} has an impossible size (${size})`);
    }
    const end = at + size;
    if (PARSED_BOXES.has(type)) {
      if (end > bytes.size) throw new Error(`it is truncated: its '${type}' box needs ${end} bytes, the file has ${bytes.size}`);
      if (size > MAX_PARSED_BOX_BYTES) throw new Error(`its '${type}' box is too large (${size} bytes)`);
      give(await readBytes(bytes, at, size), at);
      if (state.movie && !state.movie.isFragmented) break;
    } else {
      // Cut inside the media data, before the movie box that would describe it.
      if (end > bytes.size && !state.movie)
        throw new Error(`it is truncated: its '${type}' box needs ${end} bytes, the file has ${bytes.size}`);
      if (end >= bytes.size) break;
      const header = head.slice(0, headerSize);
      header.set([0x6d, 0x64, 0x61, 0x74], 4); // 'mdat': mp4box skips its body.
      give(header, at);
    }
    at = end;
  }
  if (state.failure !== null) throw new Error(`its container could not be read (${state.failure})`);
  return state.movie;
}

/** Opus in MP4 keeps its header as a `dOps` box; WebCodecs wants it as the Ogg `OpusHead`. */
function opusHead(entry: AudioSampleEntry): Uint8Array<ArrayBuffer> | undefined {
  const dOps = (
    entry as AudioSampleEntry & {
      dOps?: {
        OutputChannelCount: number;
        PreSkip: number;
        InputSampleRate: number;
        OutputGain: number;
        ChannelMappingFamily: number;
        StreamCount?: number;
        CoupledCount?: number;
        ChannelMapping?: number[];
      };
    }
  ).dOps;
  if (!dOps) return undefined;
  const mapping = dOps.ChannelMappingFamily === 0 ? [] : [dOps.StreamCount ?? 1, dOps.CoupledCount ?? 0, ...(dOps.ChannelMapping ?? [])];
  const stream = new DataStream(new ArrayBuffer(19 + mapping.length), 0, Endianness.LITTLE_ENDIAN);
  stream.writeString('OpusHead');
  stream.writeUint8(1);
  stream.writeUint8(dOps.OutputChannelCount);
  stream.writeUint16(dOps.PreSkip);
  stream.writeUint32(dOps.InputSampleRate);
  stream.writeInt16(dOps.OutputGain);
  stream.writeUint8(dOps.ChannelMappingFamily);
  for (const value of mapping) stream.writeUint8(value);
  return new Uint8Array(stream.buffer).slice();
}

function description(entry: AudioSampleEntry | undefined): Uint8Array<ArrayBuffer> | undefined {
  if (!entry) return undefined;
  const esds = (
    entry as AudioSampleEntry & {
      esds?: { esd?: { findDescriptor(tag: number): { findDescriptor(tag: number): { data?: Uint8Array } | undefined } | undefined } };
    }
  ).esds;
  // ES_Descriptor → DecoderConfigDescriptor (tag 4) → DecoderSpecificInfo (tag 5): the AudioSpecificConfig.
  const specific = esds?.esd?.findDescriptor(4)?.findDescriptor(5)?.data;
  if (specific) return new Uint8Array(specific).slice();
  return opusHead(entry);
}

/** Which part of the decoded media the edit list presents, in seconds. */
function presented(track: Track, samples: readonly Sample[]): { skipSeconds: number; durationSeconds: number } {
  const mediaSeconds = samples.reduce((sum, s) => sum + s.duration, 0) / (track.timescale || 1);
  const edit = (track.edits ?? []).find((e) => e.media_time !== -1);
  if (!edit) return { skipSeconds: 0, durationSeconds: mediaSeconds };
  const skipSeconds = Math.max(0, edit.media_time / (track.timescale || 1));
  const editSeconds = edit.segment_duration / (track.movie_timescale || 1);
  // A zero segment duration (fragmented files) means "to the end".
  return { skipSeconds, durationSeconds: editSeconds > 0 ? Math.min(editSeconds, mediaSeconds - skipSeconds) : mediaSeconds - skipSeconds };
}

/**
 * The first audio track of an MP4 / MOV (the caller has sniffed it as one), or null when it has no
 * movie box or no sound. Throws when the file is cut short (its samples lie past its end) or its
 * container is broken, with a message that reads on after "This MP4 cannot be decoded: ".
 */
export async function mp4AudioTrack(bytes: Blob): Promise<Mp4AudioTrack | null> {
  const file = createFile();
  const movie = await readMovie(bytes, file);
  const track = movie?.audioTracks[0];
  if (!track) return null;
  const samples: Sample[] = file.getTrackSamplesInfo(track.id) ?? [];
  const lastByte = samples.reduce((end, s) => Math.max(end, s.offset + s.size), 0);
  if (lastByte > bytes.size) throw new Error(`it is truncated: its samples need ${lastByte} bytes, the file has ${bytes.size}`);
  const entry = file.getTrackById(track.id).mdia.minf.stbl.stsd.entries.find((e): e is AudioSampleEntry => e instanceof AudioSampleEntry);
  const micros = (value: number) => Math.round((value * 1e6) / (track.timescale || 1));
  return {
    codec: track.codec,
    sampleRate: track.audio?.sample_rate ?? entry?.getSampleRate() ?? 0,
    channels: track.audio?.channel_count ?? entry?.getChannelCount() ?? 0,
    description: description(entry),
    samples: samples.map((s) => ({ offset: s.offset, size: s.size, timestamp: micros(s.dts), duration: micros(s.duration) })),
    ...presented(track, samples),
  };
}
