import { transformersClapLoader } from '../../../src/lib/ml/loaders/clap-loader';
import { configureOnnxWasm } from '../../../src/lib/ml/loaders/transformers-loader';
import { memoryModelFiles, type FolderBytes } from './memory-model-files';

/** A tone described in a few numbers, so the same samples are made in Node and in the worker. */
export interface ToneSpec {
  readonly hertz: number;
  readonly seconds: number;
  readonly amplitude: number;
}

export function makeTone({ hertz, seconds, amplitude }: ToneSpec, rate: number): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hertz * i) / rate));
}

/** Runs in a dedicated worker, as models do in the app; the page posts the files, texts and tones. */
export interface ClapProbeRequest {
  readonly origin: string;
  readonly files: FolderBytes;
  readonly texts: readonly string[];
  readonly tones: readonly ToneSpec[];
}

export interface ClapProbeRun {
  readonly device: string;
  readonly precision: string | null;
  readonly dimensions: number;
  readonly sampleRate: number;
  readonly texts: number[][];
  readonly clips: number[][];
}

export interface ClapProbe {
  /** The loader's own choice on wasm (no dtype asked), as the app loads a model. */
  readonly auto: ClapProbeRun;
  readonly fp32: ClapProbeRun;
}

async function run(request: ClapProbeRequest, params: Record<string, unknown>): Promise<ClapProbeRun> {
  const model = await transformersClapLoader({
    name: 'clap-fixture',
    params,
    device: 'wasm',
    files: memoryModelFiles(request.files, 'memory://clap-fixture/'),
  });
  try {
    const texts = await model.embedTexts(request.texts);
    const clips = await model.embedClips(request.tones.map((tone) => makeTone(tone, model.sampleRate)));
    return {
      device: model.device,
      precision: model.precision ?? null,
      dimensions: model.dimensions,
      sampleRate: model.sampleRate,
      texts: texts.map((v) => Array.from(v)),
      clips: clips.map((v) => Array.from(v)),
    };
  } finally {
    await model.dispose();
  }
}

async function probe(request: ClapProbeRequest): Promise<ClapProbe> {
  // Absolute URL: a blob worker has no hierarchical base URL to resolve `/ort/` against.
  configureOnnxWasm({ wasmPaths: `${request.origin}/ort/` });
  return { auto: await run(request, {}), fp32: await run(request, { dtype: 'fp32' }) };
}

// Only in a worker: the spec imports this file in Node for `makeTone`.
if ((globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== undefined) {
  self.onmessage = (event: MessageEvent<ClapProbeRequest>) => {
    probe(event.data).then(
      (result) => self.postMessage({ result }),
      (error: unknown) =>
        self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
    );
  };
}
