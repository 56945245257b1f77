import { AudioDecodeError, type DecodedAudioFacts } from '../dam/media/audio-codec';
import type { SniffedAudio } from '../dam/media/audio-sniff';
import type { AudioWindowSink } from '../dam/media/audio-window-sink';
import { codecName, unsupportedAudio, WasmAudioCodec } from '../dam/media/wasm-audio-codec';
import { mp4AudioTrack, type Mp4AudioSample, type Mp4AudioTrack } from './mp4-audio-track';

/** Bytes of samples read from the Blob at a time (one slice for a run of adjacent samples). */
const READ_BYTES = 1 << 20;
/** Chunks queued before waiting for the decoder: ~1.5 s of AAC, so little decoded sound piles up. */
const CHUNKS_IN_FLIGHT = 64;

/** The facts' codec name and the WebCodecs codec string for a track's codec. */
function codecOf(track: Mp4AudioTrack): { name: string; webCodecs: string } {
  const codec = track.codec;
  if (/^mp4a\.40\./i.test(codec)) return { name: 'aac', webCodecs: codec };
  if (/^mp4a\.(6b|69)$/i.test(codec)) return { name: 'mp3', webCodecs: 'mp3' };
  if (codec === 'Opus') return { name: 'opus', webCodecs: 'opus' };
  if (codec === 'fLaC') return { name: 'flac', webCodecs: 'flac' };
  return { name: codec, webCodecs: codec };
}

/** Runs of adjacent samples of at most READ_BYTES (a lone larger sample is a run of its own). */
function* runs(samples: readonly Mp4AudioSample[]): Generator<Mp4AudioSample[]> {
  let run: Mp4AudioSample[] = [];
  for (const sample of samples) {
    const first = run[0];
    const last = run.at(-1);
    if (first && last && (sample.offset !== last.offset + last.size || sample.offset + sample.size - first.offset > READ_BYTES)) {
      yield run;
      run = [];
    }
    run.push(sample);
  }
  if (run.length) yield run;
}

/**
 * Feeds WebCodecs' AudioDecoder a track's samples and passes what it decodes to the sink, less
 * the priming the edit list skips and anything past the presented length.
 */
async function decodeTrack(
  bytes: Blob,
  track: Mp4AudioTrack,
  config: AudioDecoderConfig,
  codec: string,
  sink: AudioWindowSink,
): Promise<number> {
  const outputs: AudioData[] = [];
  // Set from the decoder's callbacks; `wake` ends a wait for the queue, which an error would leave waiting.
  const state: { failure: DOMException | null; wake: () => void } = { failure: null, wake: () => undefined };
  const decoder = new AudioDecoder({
    output: (data) => outputs.push(data),
    error: (error) => {
      state.failure = error;
      state.wake();
    },
  });
  const queueEmptied = async () => {
    while (decoder.decodeQueueSize > 0 && !state.failure) {
      await new Promise<void>((resolve) => {
        state.wake = resolve;
        decoder.addEventListener('dequeue', () => resolve(), { once: true });
      });
    }
  };
  let decodedFrames = 0;
  let rate = 0;
  const drain = async () => {
    for (let data = outputs.shift(); data; data = outputs.shift()) {
      rate ||= data.sampleRate;
      const frames = data.numberOfFrames;
      const planes = Array.from({ length: data.numberOfChannels }, (_, planeIndex) => {
        const plane = new Float32Array(frames);
        data.copyTo(plane, { planeIndex, format: 'f32-planar' });
        return plane;
      });
      data.close();
      const from = Math.max(0, Math.round(track.skipSeconds * rate) - decodedFrames);
      const to = Math.min(frames, Math.round((track.skipSeconds + track.durationSeconds) * rate) - decodedFrames);
      decodedFrames += frames;
      if (to > from && !sink.full)
        await sink.push(
          planes.map((p) => p.subarray(from, to)),
          to - from,
          rate,
        );
    }
  };
  const check = () => {
    if (state.failure)
      throw new AudioDecodeError(
        `This ${codecName(codec)} sound cannot be decoded: the browser's decoder failed (${state.failure.message})`,
      );
  };
  try {
    decoder.configure(config);
    for (const run of runs(track.samples)) {
      if (sink.full) break;
      const start = run[0]!.offset;
      const data = new Uint8Array(await bytes.slice(start, run.at(-1)!.offset + run.at(-1)!.size).arrayBuffer());
      for (const [i, sample] of run.entries()) {
        const at = sample.offset - start;
        decoder.decode(
          new EncodedAudioChunk({
            type: 'key',
            timestamp: sample.timestamp,
            duration: sample.duration,
            data: data.subarray(at, at + sample.size),
          }),
        );
        if (decoder.decodeQueueSize >= CHUNKS_IN_FLIGHT || i === run.length - 1) {
          await queueEmptied();
          check();
          await drain();
          if (sink.full) break;
        }
      }
    }
    if (!sink.full) await decoder.flush();
    check();
    await drain();
  } catch (error) {
    check();
    throw error instanceof AudioDecodeError
      ? error
      : new AudioDecodeError(`This ${codecName(codec)} sound cannot be decoded: ${String(error)}`, { cause: error });
  } finally {
    for (const data of outputs) data.close();
    if (decoder.state !== 'closed') decoder.close();
  }
  return rate;
}

/**
 * Sounds in a browser worker: the WebAssembly decoders for WAV, MP3, FLAC and Ogg, which behave
 * the same in every browser and in Node (so both hosts give the same samples), and WebCodecs'
 * AudioDecoder only for the sound of an MP4 / M4A / MOV, AAC above all, which no WebAssembly
 * decoder here reads. Raw AAC (ADTS) and WebM sound are AudioDecodeErrors for now.
 */
export class BrowserAudioCodec extends WasmAudioCodec {
  protected override async decodeOther(bytes: Blob, sniffed: SniffedAudio, sink: AudioWindowSink): Promise<DecodedAudioFacts> {
    if (sniffed.container !== 'mp4') throw unsupportedAudio(sniffed, 'no decoder in this browser reads it');
    let track: Mp4AudioTrack | null;
    try {
      track = await mp4AudioTrack(bytes);
    } catch (error) {
      throw new AudioDecodeError(`This MP4/M4A/MOV cannot be decoded: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (!track) throw new AudioDecodeError('This MP4/M4A/MOV has no sound to decode: it has no audio track');
    const { name, webCodecs } = codecOf(track);
    if (typeof AudioDecoder === 'undefined')
      throw new AudioDecodeError(
        `This ${codecName(name)} sound (${track.codec}) cannot be decoded: this browser has no WebCodecs AudioDecoder`,
      );
    const config: AudioDecoderConfig = {
      codec: webCodecs,
      sampleRate: track.sampleRate,
      numberOfChannels: track.channels,
      ...(track.description ? { description: track.description } : {}),
    };
    const supported = await AudioDecoder.isConfigSupported(config).then(
      (support) => support.supported === true,
      () => false,
    );
    if (!supported)
      throw new AudioDecodeError(
        `This ${codecName(name)} sound (${track.codec}) cannot be decoded: this browser's AudioDecoder does not support it`,
      );
    const rate = await decodeTrack(bytes, track, config, name, sink);
    const stoppedEarly = sink.full;
    await sink.finish();
    if (sink.frames === 0 && !stoppedEarly)
      throw new AudioDecodeError(`This ${codecName(name)} sound cannot be decoded: the decoder gave no audio`);
    return {
      durationSeconds: stoppedEarly ? track.durationSeconds : sink.sourceSeconds,
      sourceSampleRate: rate || track.sampleRate,
      channels: track.channels,
      codec: name,
    };
  }
}
