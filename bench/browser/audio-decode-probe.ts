import type { AudioCodec, DecodedAudioFacts } from '../../src/lib/dam/media/audio-codec';
import { BrowserAudioCodec } from '../../src/lib/platform/browser-audio-codec';
import { measureDecode } from '../../tests/e2e/probes/audio-decode-measure';
import { answerInWorker } from '../lib/probe-worker';

/**
 * Decode throughput of one AudioCodec on the benchmark's clips: for each file and each target
 * rate, one untimed pass (WebAssembly compilation, JIT) and then timed passes of the whole
 * `decodeWindows` call, windows handed to a callback that keeps nothing. The same function times
 * Node's codec and, in a dedicated worker, the browser's.
 */

export interface AudioBenchFile {
  readonly name: string;
  /** `wav`, `mp3`, `flac`, `opus`, `vorbis`, `aac`. */
  readonly format: string;
  readonly bytes: number;
  readonly sourceRate: number;
}

export interface AudioDecodeTiming {
  readonly name: string;
  readonly format: string;
  /** The rate decoded to: the model's, or the file's own (no resampling, mono mix only). */
  readonly targetRate: number;
  readonly passMs: number[];
  readonly samples: number;
  readonly facts: DecodedAudioFacts | null;
  readonly error: string | null;
}

export interface TimingOptions {
  readonly modelRate: number;
  readonly windowSeconds: number;
  readonly passes: number;
}

export async function timeDecodes(
  codec: AudioCodec,
  files: readonly { readonly file: AudioBenchFile; readonly blob: Blob }[],
  options: TimingOptions,
): Promise<AudioDecodeTiming[]> {
  const timings: AudioDecodeTiming[] = [];
  for (const { file, blob } of files) {
    for (const targetRate of [options.modelRate, file.sourceRate]) {
      const measure = () => measureDecode(codec, blob, { sampleRate: targetRate, windowSeconds: options.windowSeconds });
      const first = await measure();
      const passMs: number[] = [];
      let last = first;
      for (let pass = 0; pass < options.passes && !first.error; pass++) {
        last = await measure();
        passMs.push(last.milliseconds);
      }
      timings.push({
        name: file.name,
        format: file.format,
        targetRate,
        passMs,
        samples: last.samples,
        facts: last.facts,
        error: last.error,
      });
    }
  }
  return timings;
}

export interface AudioProbeRequest extends TimingOptions {
  /** Where the files are served, ending in `/`. */
  readonly filesUrl: string;
  readonly files: readonly AudioBenchFile[];
}

export interface AudioProbeResult {
  readonly timings: AudioDecodeTiming[];
  readonly audioDecoder: boolean;
}

async function probe(request: AudioProbeRequest): Promise<AudioProbeResult> {
  const files = [];
  for (const file of request.files) files.push({ file, blob: await (await fetch(`${request.filesUrl}${file.name}`)).blob() });
  return { timings: await timeDecodes(new BrowserAudioCodec(), files, request), audioDecoder: typeof AudioDecoder !== 'undefined' };
}

// Only in a worker: Node imports this file for `timeDecodes`.
answerInWorker<AudioProbeRequest>(probe);
