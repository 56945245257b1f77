import { AudioCodec, AudioDecodeError, type AudioWindow, type DecodedAudioFacts } from './audio-codec';
import { AUDIO_CONTAINER_NAMES, describeHead, sniffAudio, type SniffedAudio } from './audio-sniff';
import { AudioWindowSink } from './audio-window-sink';
import { readFlacStreamInfo } from './flac-stream-info';
import { mpegStreamSamples, readMpegStreamInfo } from './mpeg-audio-header';
import { MAX_OGG_PAGE_BYTES, readOggEnd, readOggHead } from './ogg-stream-info';
import { openStreamDecoder, type StreamDecoder, type WasmAudioFormat } from './wasm-audio-decoders';
import { readWavLayout, wavMonoSlices } from './wav-reader';

/** Bytes read from the Blob at a time. */
const READ_BYTES = 1 << 20;
/** Bytes handed to a decoder at a time: 64 KB of a 128 kbit/s MP3 decode to ~1.4 MB of samples, not 23. */
const FEED_BYTES = 64 * 1024;

/** What a compressed stream's headers say before it is decoded. */
interface StreamPlan {
  readonly format: WasmAudioFormat;
  /** The facts' name for it: `mp3`, `mp2`, `flac`, `opus`, `vorbis`. */
  readonly codec: string;
  readonly sampleRate: number;
  readonly channels: number;
  /** Samples per channel the headers promise, when they do. */
  readonly samples?: number;
  /** How many fewer samples than promised still count as whole (a partial last frame), when a shortfall means a cut file. */
  readonly shortfall?: number;
}

const CODEC_NAMES: Readonly<Record<string, string>> = { opus: 'Opus', vorbis: 'Vorbis', ogg: 'Ogg' };

/** How messages name a codec of the facts (`mp3` → MP3, `opus` → Opus). */
export const codecName = (codec: string) => CODEC_NAMES[codec] ?? codec.toUpperCase();

const damaged = (codec: string, detail: string, cause?: unknown) =>
  new AudioDecodeError(`This ${codecName(codec)} stream cannot be decoded: ${detail}`, cause === undefined ? undefined : { cause });

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function planMpeg(bytes: Blob, sniffed: SniffedAudio): StreamPlan {
  const info = readMpegStreamInfo(sniffed.head, 0);
  if (!info) throw damaged('mp3', 'its first frame header is unreadable');
  const codec = `mp${info.header.layer}`;
  // The stream's own byte count may or may not include the ID3 tag before it: compare with the whole file.
  if (info.streamBytes !== undefined && info.streamBytes > bytes.size)
    throw damaged(codec, `it is truncated: its header says ${info.streamBytes} bytes, the file has ${bytes.size}`);
  const { sampleRate, channels, samplesPerFrame } = info.header;
  return { format: 'mp3', codec, sampleRate, channels, samples: mpegStreamSamples(info), shortfall: samplesPerFrame };
}

function planFlac(sniffed: SniffedAudio): StreamPlan {
  const info = readFlacStreamInfo(sniffed.head, 0);
  if (!info) throw damaged('flac', 'its STREAMINFO block is missing or unreadable');
  const { sampleRate, channels, totalSamples } = info;
  return { format: 'flac', codec: 'flac', sampleRate, channels, ...(totalSamples > 0 ? { samples: totalSamples, shortfall: 0 } : {}) };
}

async function planOgg(bytes: Blob, sniffed: SniffedAudio): Promise<StreamPlan> {
  const head = readOggHead(sniffed.head);
  if (!head) throw damaged('ogg', 'its first page is unreadable');
  if (head.codec !== 'opus' && head.codec !== 'vorbis')
    throw new AudioDecodeError(`Ogg with ${head.codec} inside is not supported (only Opus and Vorbis)`);
  const start = Math.max(sniffed.offset, bytes.size - MAX_OGG_PAGE_BYTES);
  const end = readOggEnd(new Uint8Array(await bytes.slice(start).arrayBuffer()));
  if (!end?.complete) throw damaged(head.codec, `it is truncated: the file (${bytes.size} bytes) does not end with the stream's last page`);
  const samples = end.serial === head.serial && end.granule >= head.preSkip ? end.granule - head.preSkip : undefined;
  return {
    format: head.codec,
    codec: head.codec,
    sampleRate: head.sampleRate,
    channels: head.channels,
    ...(samples === undefined ? {} : { samples }),
  };
}

async function feed(decoder: StreamDecoder, piece: Uint8Array | null, plan: StreamPlan, sink: AudioWindowSink): Promise<void> {
  let decoded;
  try {
    decoded = piece ? await decoder.decode(piece) : await decoder.flush();
  } catch (error) {
    throw damaged(plan.codec, messageOf(error), error);
  }
  const [error] = decoded.errors;
  if (error) throw damaged(plan.codec, error.message);
  await sink.push(decoded.channelData, decoded.samplesDecoded, decoded.sampleRate);
}

async function decodeStream(bytes: Blob, sniffed: SniffedAudio, plan: StreamPlan, sink: AudioWindowSink): Promise<DecodedAudioFacts> {
  const decoder = await openStreamDecoder(plan.format);
  try {
    for (let at = sniffed.offset; at < bytes.size && !sink.full; at += READ_BYTES) {
      const chunk = new Uint8Array(await bytes.slice(at, at + READ_BYTES).arrayBuffer());
      for (let i = 0; i < chunk.length && !sink.full; i += FEED_BYTES) await feed(decoder, chunk.subarray(i, i + FEED_BYTES), plan, sink);
    }
    if (!sink.full) await feed(decoder, null, plan, sink);
  } finally {
    try {
      decoder.free();
    } catch {
      // A decoder that failed inside WebAssembly may not free cleanly; the instance is dropped anyway.
    }
  }
  const stoppedEarly = sink.full;
  await sink.finish();
  if (sink.frames === 0 && !stoppedEarly) throw damaged(plan.codec, 'no audio could be decoded from it');
  const { samples, shortfall } = plan;
  if (!stoppedEarly && samples !== undefined && shortfall !== undefined && sink.frames < samples - shortfall) {
    const seconds = (n: number) => (n / plan.sampleRate).toFixed(3);
    throw damaged(
      plan.codec,
      `it is truncated or damaged: its header promises ${seconds(samples)} s, only ${seconds(sink.frames)} s could be decoded`,
    );
  }
  const durationSeconds = stoppedEarly && samples !== undefined ? samples / plan.sampleRate : sink.sourceSeconds;
  return { durationSeconds, sourceSampleRate: plan.sampleRate, channels: plan.channels, codec: plan.codec };
}

async function decodeWav(bytes: Blob, sniffed: SniffedAudio, sink: AudioWindowSink): Promise<DecodedAudioFacts> {
  const layout = await readWavLayout(bytes, sniffed.head);
  for await (const mono of wavMonoSlices(bytes, layout, READ_BYTES)) {
    await sink.pushMono(mono, layout.sampleRate);
    if (sink.full) break;
  }
  await sink.finish();
  return {
    durationSeconds: layout.frames / layout.sampleRate,
    sourceSampleRate: layout.sampleRate,
    channels: layout.channels,
    codec: 'wav',
  };
}

/**
 * Decodes WAV itself and MP3, FLAC, Ogg Opus and Ogg Vorbis with WebAssembly decoders, in Node
 * and in browsers alike, reading the Blob a megabyte at a time. A truncated file is refused
 * before anything is decoded where its headers tell (WAV, MP3 with a Xing/Info header, Ogg);
 * FLAC and MP3 are also checked against their headers' length at the end, so their error can
 * come after some windows were handed over: a caller keeps nothing from a decode that failed.
 * When `maxSeconds` stops it early, the duration is the one the headers state where they do.
 */
export class WasmAudioCodec extends AudioCodec {
  override async decodeWindows(
    bytes: Blob,
    sampleRate: number,
    windowSeconds: number,
    onWindow: (window: AudioWindow) => Promise<void> | void,
    options: { readonly maxSeconds?: number } = {},
  ): Promise<DecodedAudioFacts> {
    const sink = new AudioWindowSink(sampleRate, windowSeconds, onWindow, options.maxSeconds);
    const sniffed = await sniffAudio(bytes);
    switch (sniffed.container) {
      case 'wav':
        return decodeWav(bytes, sniffed, sink);
      case 'mpeg':
        return decodeStream(bytes, sniffed, planMpeg(bytes, sniffed), sink);
      case 'flac':
        return decodeStream(bytes, sniffed, planFlac(sniffed), sink);
      case 'ogg':
        return decodeStream(bytes, sniffed, await planOgg(bytes, sniffed), sink);
      default:
        return this.decodeOther(bytes, sniffed, sink);
    }
  }

  /** Containers the WebAssembly decoders do not read; a host with more decoders overrides this. */
  protected decodeOther(_bytes: Blob, sniffed: SniffedAudio, _sink: AudioWindowSink): Promise<DecodedAudioFacts> {
    return Promise.reject(unsupportedAudio(sniffed, 'no WebAssembly decoder here reads it'));
  }
}

/** The error for a container nothing here decodes, naming it (or the bytes, when they are no known container). */
export function unsupportedAudio(sniffed: SniffedAudio, why: string): AudioDecodeError {
  if (!sniffed.container) return new AudioDecodeError(`Not a sound this codec can decode: ${describeHead(sniffed.head)}`);
  return new AudioDecodeError(`${AUDIO_CONTAINER_NAMES[sniffed.container]} cannot be decoded here: ${why}`);
}
