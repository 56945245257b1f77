/**
 * Finds the first keyframe of an MP4's (or QuickTime's) first video track with mp4box.js, and
 * what WebCodecs needs to decode it: the codec string, the coded size, the decoder
 * configuration record (avcC / hvcC / vpcC / av1C payload) and the sample's bytes.
 *
 * Pure demuxing, no WebCodecs, so it runs anywhere (worker or Node). The file is read in chunks
 * from the Blob at the positions mp4box asks for, so a large video whose `moov` comes first is
 * not read whole, and one whose `moov` comes last is read once plus a seek back.
 */
import { Box, DataStream, Endianness, MP4BoxBuffer, VisualSampleEntry, createFile, type Movie, type Sample, type Track } from 'mp4box';

const CHUNK_BYTES = 1 << 20;

export interface Mp4Keyframe {
  /** WebCodecs codec string, e.g. `avc1.64001f`, `hvc1.1.6.L93.B0`, `vp09.00.10.08`, `av01.0.04M.08`. */
  readonly codec: string;
  readonly codedWidth: number;
  readonly codedHeight: number;
  /** The decoder configuration record, without its box header; absent for codecs without one. */
  readonly description?: Uint8Array<ArrayBuffer>;
  /** The keyframe's encoded bytes. */
  readonly data: Uint8Array<ArrayBuffer>;
  /** Presentation time and duration in microseconds. */
  readonly timestamp: number;
  readonly duration: number;
}

const BOX_TYPES_AT_START = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);

/** Whether the bytes start like an ISO-BMFF / QuickTime movie (a known box type at offset 4). */
export function looksLikeMp4(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const type = String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!);
  return BOX_TYPES_AT_START.has(type);
}

/** The payload of the track's decoder configuration box (avcC, hvcC, vpcC or av1C). */
export function decoderDescription(entry: VisualSampleEntry): Uint8Array<ArrayBuffer> | undefined {
  const box: Box | undefined = entry.avcC ?? entry.hvcC ?? entry.vpcC ?? entry.av1C;
  if (!box) return undefined;
  const stream = new DataStream(undefined, 0, Endianness.BIG_ENDIAN);
  box.write(stream);
  // Skip the 8-byte box header (size + type); WebCodecs wants the record itself.
  return new Uint8Array(stream.buffer, 8).slice();
}

/**
 * The first keyframe of the first video track, or null when the bytes are not an MP4 / MOV
 * with a video track. Throws when mp4box reports the file as broken.
 */
export async function mp4FirstKeyframe(bytes: Blob): Promise<Mp4Keyframe | null> {
  if (!looksLikeMp4(new Uint8Array(await bytes.slice(0, 16).arrayBuffer()))) return null;

  const file = createFile();
  let track: Track | undefined;
  let keyframe: Sample | undefined;
  let done = false;
  let failure: string | undefined;

  file.onError = (module: string, message: string) => {
    failure = `${module}: ${message}`;
    done = true;
  };
  file.onReady = (info: Movie) => {
    track = info.videoTracks[0];
    if (!track) {
      done = true;
      return;
    }
    file.setExtractionOptions(track.id, undefined, { nbSamples: 1 });
    file.start();
  };
  file.onSamples = (_id: number, _user: unknown, samples: Sample[]) => {
    if (done) return;
    const sync = samples.find((s) => s.is_sync && s.data);
    if (sync) {
      keyframe = sync;
      done = true;
      file.stop();
    }
  };

  // Feed chunks where mp4box asks for them; bound the number of reads so a malformed file
  // that keeps asking for the same place cannot loop forever.
  let position = 0;
  let reads = 0;
  const maxReads = 2 * Math.ceil(bytes.size / CHUNK_BYTES) + 16;
  while (!done && position < bytes.size && reads++ < maxReads) {
    const end = Math.min(bytes.size, position + CHUNK_BYTES);
    const chunk = MP4BoxBuffer.fromArrayBuffer(await bytes.slice(position, end).arrayBuffer(), position);
    const next: number | undefined = file.appendBuffer(chunk, end >= bytes.size);
    position = typeof next === 'number' && next !== position ? next : end;
  }
  if (!done) file.flush();
  if (failure !== undefined) throw new Error(`The video container could not be read (${failure})`);
  if (!track || !keyframe?.data) return null;

  const trak = file.getTrackById(track.id);
  const entry = trak.mdia.minf.stbl.stsd.entries.find((e): e is VisualSampleEntry => e instanceof VisualSampleEntry);
  const timescale = keyframe.timescale || track.timescale || 1;
  return {
    codec: track.codec,
    codedWidth: track.video?.width ?? entry?.width ?? track.track_width,
    codedHeight: track.video?.height ?? entry?.height ?? track.track_height,
    description: entry ? decoderDescription(entry) : undefined,
    data: keyframe.data.slice(),
    timestamp: Math.round((keyframe.cts * 1e6) / timescale),
    duration: Math.round((keyframe.duration * 1e6) / timescale),
  };
}
