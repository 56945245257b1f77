/**
 * The measuring half of the OCR benchmark (`bench/node/ocr.bench.ts`). `measureOcr` runs the
 * same procedure wherever it is called: in Node on onnxruntime-node, and bundled by
 * `bench/lib/bundle.ts` into a dedicated worker of a page of the served app, on onnxruntime-web's
 * wasm (a worker, because that is where the app runs its models). The worker answers one message.
 */
import { createPaddleOcrLoader } from '../../src/lib/ml/loaders/paddle-ocr-loader';
import type { OcrTimings, PaddleOcrEngine } from '../../src/lib/ml/ocr/paddle-ocr-engine';
import { urlModelFiles } from '../../src/lib/ml/url-model-files';
import type { RgbaPixels } from '../../src/lib/ml/vision/image-input';
import { answerInWorker, ortFilesFetched } from '../lib/probe-worker';

export interface OcrPageInput {
  readonly name: string;
  readonly image: RgbaPixels;
  /** Timed passes, after one untimed warm-up. */
  readonly passes: number;
}

export interface OcrPageMeasurement {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly warmupMs: number;
  readonly passMs: number[];
  /** Each timed pass's split by stage. */
  readonly stages: OcrTimings[];
  readonly lines: number;
  /** The warm-up pass's text, to check that every runtime read the same. */
  readonly text: string;
}

export interface OcrMeasurement {
  readonly device: string;
  /** From the loader call to a loaded engine: file reads and the three sessions. */
  readonly loadMs: number;
  readonly pages: OcrPageMeasurement[];
}

/** Loads the engine, then per page one untimed pass and `passes` timed ones, one picture at a time. */
export async function measureOcr(load: () => Promise<PaddleOcrEngine>, pages: readonly OcrPageInput[]): Promise<OcrMeasurement> {
  const loadStart = performance.now();
  const engine = await load();
  const loadMs = performance.now() - loadStart;
  try {
    const measured: OcrPageMeasurement[] = [];
    for (const { name, image, passes } of pages) {
      const warmupStart = performance.now();
      const { result } = await engine.recognizeTimed(image);
      const warmupMs = performance.now() - warmupStart;
      const passMs: number[] = [];
      const stages: OcrTimings[] = [];
      for (let i = 0; i < passes; i++) {
        const started = performance.now();
        const { timings } = await engine.recognizeTimed(image);
        passMs.push(performance.now() - started);
        stages.push(timings);
      }
      measured.push({
        name,
        width: image.width,
        height: image.height,
        warmupMs,
        passMs,
        stages,
        lines: result.lines.length,
        text: result.text,
      });
    }
    return { device: engine.device, loadMs, pages: measured };
  } finally {
    await engine.dispose();
  }
}

export interface OcrProbeRequest {
  readonly origin: string;
  /** Absolute URLs of the model folder and the fixture pictures (a blob worker has no base URL). */
  readonly modelUrl: string;
  readonly picturesUrl: string;
  readonly threads: number;
  readonly pages: readonly { name: string; passes: number }[];
}

export interface OcrProbeResult extends OcrMeasurement {
  readonly crossOriginIsolated: boolean;
  /** `env.wasm.numThreads` after the load: ORT drops it to 1 when threads cannot work. */
  readonly ortNumThreads: number | null;
  /** ORT runtime files the worker fetched (which wasm build ran). */
  readonly ortFiles: string[];
}

/** A PNG as straight RGBA, decoded by the browser without colour conversion. */
async function decodePicture(url: string): Promise<RgbaPixels> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bitmap = await createImageBitmap(await response.blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
  if (!context) throw new Error('No 2D context in the worker');
  context.drawImage(bitmap, 0, 0);
  const { width, height, data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  bitmap.close();
  return { width, height, data };
}

async function probe(request: OcrProbeRequest): Promise<OcrProbeResult> {
  // As createBrowserModelManager sets it up: the app's asyncify build from its origin.
  const ort = await import('onnxruntime-web/webgpu');
  ort.env.wasm.wasmPaths = `${request.origin}/ort/`;
  ort.env.wasm.numThreads = request.threads;
  const pages = await Promise.all(
    request.pages.map(async ({ name, passes }) => ({ name, passes, image: await decodePicture(`${request.picturesUrl}${name}`) })),
  );
  const loader = createPaddleOcrLoader(async () => ort);
  const measurement = await measureOcr(
    () => loader({ name: 'paddle-ocr', params: {}, device: 'wasm', files: urlModelFiles(request.modelUrl) }),
    pages,
  );
  return {
    ...measurement,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    ortNumThreads: typeof ort.env.wasm.numThreads === 'number' ? ort.env.wasm.numThreads : null,
    ortFiles: ortFilesFetched(),
  };
}

// Only in a worker: Node imports this file for `measureOcr`.
answerInWorker<OcrProbeRequest>(probe);
