import { createSpeechEmbeddingLoader } from '../../../src/lib/ml/loaders/speech-embedding-loader';
import { memoryModelFiles, type FolderBytes } from './memory-model-files';

/**
 * The bundled speech embedder in a dedicated worker on onnxruntime-web's wasm, as the app runs
 * models; the page posts the two model files and the clips. Also exports the fixtures' WAV
 * reader for the Node side (this file is DOM-free outside the worker branch).
 */
export interface SpeechProbeRequest {
  readonly origin: string;
  readonly files: FolderBytes;
  /** 16 kHz mono samples, as plain numbers so they cross `page.evaluate`. */
  readonly clips: readonly number[][];
}

export interface SpeechProbe {
  readonly device: string;
  readonly dimensions: number;
  readonly sampleRate: number;
  readonly vectors: number[][];
}

/**
 * A canonical PCM WAV (format 1, 16-bit, one channel) as samples in −1…1: enough for the
 * fixtures sox writes, and independent of the app's own audio decoding.
 */
export function readPcm16Wav(bytes: Uint8Array): { sampleRate: number; samples: Float32Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('Not a RIFF WAVE file');
  let sampleRate = 0;
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === 'fmt ') {
      const [format, channels, bits] = [view.getUint16(at + 8, true), view.getUint16(at + 10, true), view.getUint16(at + 22, true)];
      if (format !== 1 || channels !== 1 || bits !== 16)
        throw new Error(`Want 16-bit mono PCM, got format ${format}, ${channels} channels, ${bits} bits`);
      sampleRate = view.getUint32(at + 12, true);
    } else if (tag(at) === 'data') {
      if (!sampleRate) throw new Error('WAV data before its fmt chunk');
      const samples = new Float32Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(at + 8 + 2 * i, true) / 32_768;
      return { sampleRate, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('WAV without a data chunk');
}

async function probe(request: SpeechProbeRequest): Promise<SpeechProbe> {
  // As createBrowserModelManager imports it: the app's asyncify build from its origin, by absolute URL (a blob worker has no base).
  const ort = await import('onnxruntime-web/webgpu');
  ort.env.wasm.wasmPaths = `${request.origin}/ort/`;
  const load = createSpeechEmbeddingLoader(async () => ort);
  const embedder = await load({
    name: 'speech-embedding',
    params: {},
    device: 'wasm',
    files: memoryModelFiles(request.files, 'memory://speech-embedding/'),
  });
  try {
    const vectors = await embedder.embedClips(request.clips.map((clip) => Float32Array.from(clip)));
    return {
      device: embedder.device,
      dimensions: embedder.dimensions,
      sampleRate: embedder.sampleRate,
      vectors: vectors.map((vector) => Array.from(vector)),
    };
  } finally {
    await embedder.dispose();
  }
}

// Only in a worker: the spec imports this file in Node for `readPcm16Wav`.
if ((globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== undefined) {
  self.onmessage = (event: MessageEvent<SpeechProbeRequest>) => {
    probe(event.data).then(
      (result) => self.postMessage({ result }),
      (error: unknown) =>
        self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
    );
  };
}
