import { transformersClipLoader } from '../../../src/lib/ml/loaders/clip-loader';
import { configureOnnxWasm } from '../../../src/lib/ml/loaders/transformers-loader';
import type { RgbaPixels } from '../../../src/lib/ml/vision/image-input';
import { memoryModelFiles, type FolderBytes } from './memory-model-files';

/** A picture described in a few numbers, so the same pictures are drawn in Node and in the worker. */
export type PictureSpec =
  | { readonly kind: 'plain'; readonly width: number; readonly height: number; readonly rgba: readonly number[] }
  | { readonly kind: 'checkerboard'; readonly size: number; readonly square: number };

export function drawPicture(spec: PictureSpec): RgbaPixels {
  const width = spec.kind === 'plain' ? spec.width : spec.size;
  const height = spec.kind === 'plain' ? spec.height : spec.size;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = spec.kind === 'checkerboard' && (Math.floor(x / spec.square) + Math.floor(y / spec.square)) % 2 ? 255 : 0;
      data.set(spec.kind === 'plain' ? spec.rgba : [value, value, value, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** Runs in a dedicated worker, as models do in the app; the page posts the files, texts and pictures. */
export interface ClipProbeRequest {
  readonly origin: string;
  readonly files: FolderBytes;
  readonly texts: readonly string[];
  readonly pictures: readonly PictureSpec[];
}

export interface ClipProbeRun {
  readonly device: string;
  readonly precision: string | null;
  readonly dimensions: number;
  readonly texts: number[][];
  readonly images: number[][];
}

export interface ClipProbe {
  /** The loader's own choice on wasm (no dtype asked), as the app loads a model. */
  readonly auto: ClipProbeRun;
  readonly fp32: ClipProbeRun;
}

async function run(request: ClipProbeRequest, params: Record<string, unknown>): Promise<ClipProbeRun> {
  const model = await transformersClipLoader({
    name: 'clip-fixture',
    params,
    device: 'wasm',
    files: memoryModelFiles(request.files, 'memory://clip-fixture/'),
  });
  try {
    const texts = await model.embedTexts(request.texts);
    const images = await model.embedImages(request.pictures.map(drawPicture));
    return {
      device: model.device,
      precision: model.precision ?? null,
      dimensions: model.dimensions,
      texts: texts.map((v) => Array.from(v)),
      images: images.map((v) => Array.from(v)),
    };
  } finally {
    await model.dispose();
  }
}

async function probe(request: ClipProbeRequest): Promise<ClipProbe> {
  // Absolute URL: a blob worker has no hierarchical base URL to resolve `/ort/` against.
  configureOnnxWasm({ wasmPaths: `${request.origin}/ort/` });
  return { auto: await run(request, {}), fp32: await run(request, { dtype: 'fp32' }) };
}

// Only in a worker: the spec imports this file in Node for `drawPicture`.
if ((globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== undefined) {
  self.onmessage = (event: MessageEvent<ClipProbeRequest>) => {
    probe(event.data).then(
      (result) => self.postMessage({ result }),
      (error: unknown) =>
        self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
    );
  };
}
