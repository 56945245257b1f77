import { configureTfjsWasm } from '../../src/lib/ml/loaders/tfjs-backend';
import { tfjsImageTaggerLoader } from '../../src/lib/ml/loaders/image-tagger-loaders';
import { urlModelFiles } from '../../src/lib/ml/url-model-files';
import type { RgbaPixels } from '../../src/lib/ml/vision/image-input';
import { getTaggingModelInfo } from '../../src/lib/dam/models/tagging-model-registry';
import { measureTagging, type TaggingMeasurement } from './auto-tagging-measure';

/** Runs in a dedicated worker of the served app: the bundled nsfwjs from `/models/`, on TF.js wasm or WebGPU. */
export interface TaggingProbeRequest {
  readonly origin: string;
  readonly device: 'wasm' | 'webgpu';
  readonly pictures: { readonly width: number; readonly height: number; readonly data: number[] }[];
  readonly batchSizes: readonly number[];
  readonly passes: number;
}

async function probe(request: TaggingProbeRequest): Promise<TaggingMeasurement[] | { unavailable: string }> {
  if (request.device === 'webgpu') {
    const adapter = await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter();
    if (!adapter) return { unavailable: 'navigator.gpu.requestAdapter() returned null' };
  }
  configureTfjsWasm({ wasmPaths: `${request.origin}/tfjs/`, threads: false });
  const images: RgbaPixels[] = request.pictures.map((p) => ({ width: p.width, height: p.height, data: new Uint8ClampedArray(p.data) }));
  const name = 'nsfwjs-mobilenet-v2';
  return measureTagging(
    () =>
      tfjsImageTaggerLoader({
        name,
        params: getTaggingModelInfo(name).loadParams,
        device: request.device,
        files: urlModelFiles(`${request.origin}/models/${name}/`),
      }),
    images,
    request.batchSizes,
    request.passes,
  );
}

self.onmessage = (event: MessageEvent<TaggingProbeRequest>) => {
  probe(event.data).then(
    (result) => self.postMessage({ result }),
    (error: unknown) => self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
};
