import { BrowserAudioCodec } from '../../../src/lib/platform/browser-audio-codec';
import { measureDecode, type DecodeMeasurement, type MeasureOptions } from './audio-decode-measure';

/**
 * Runs in a dedicated worker: `BrowserAudioCodec` (the WebAssembly decoders, and WebCodecs for
 * MP4/M4A) on each file it is sent, measured by the same `measureDecode` the unit tests use.
 */
export interface AudioDecodeRequest {
  readonly files: Record<string, Uint8Array>;
  readonly options: MeasureOptions;
}

export interface AudioDecodeProbe {
  readonly audioDecoder: boolean;
  readonly results: Record<string, DecodeMeasurement>;
}

async function probe(request: AudioDecodeRequest): Promise<AudioDecodeProbe> {
  const codec = new BrowserAudioCodec();
  const results: Record<string, DecodeMeasurement> = {};
  for (const [name, bytes] of Object.entries(request.files)) {
    results[name] = await measureDecode(codec, new Blob([bytes as Uint8Array<ArrayBuffer>]), request.options);
  }
  return { audioDecoder: typeof AudioDecoder !== 'undefined', results };
}

self.onmessage = (event: MessageEvent<AudioDecodeRequest>) => {
  probe(event.data).then(
    (result) => self.postMessage({ result }),
    (error: unknown) =>
      self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
  );
};
