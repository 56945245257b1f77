import type { ExecutionDevice } from '../model-types';
import type { RgbaPixels } from '../vision/image-input';
import { cropLine } from './line-crop';
import type { OcrEngine, OcrLine, OcrResult } from './ocr-types';
import { detectBoxes, orientLines, recognizeLines, type OcrNetwork } from './paddle-ocr-stages';
import { readingOrder } from './reading-order';

export interface PaddleOcrNetworks {
  readonly detector: OcrNetwork;
  readonly classifier: OcrNetwork;
  readonly recognizer: OcrNetwork;
  /** The recogniser's classes: blank first (see `parseCharacterDictionary`). */
  readonly characters: readonly string[];
}

export interface PaddleOcrOptions {
  /** PaddleOCR's `drop_score`: lines read with a lower mean character probability are left out. */
  readonly minConfidence: number;
  /** PaddleOCR's `cls_thresh`. */
  readonly flipThreshold: number;
}

export const PADDLE_OCR_DEFAULTS: PaddleOcrOptions = { minConfidence: 0.5, flipThreshold: 0.9 };

/** Where one picture's time went, in milliseconds (preprocessing and postprocessing included in each stage). */
export interface OcrTimings {
  readonly detectionMs: number;
  readonly cropMs: number;
  readonly classificationMs: number;
  readonly recognitionMs: number;
  /** Boxes the detector found; lines kept are in the result. */
  readonly boxes: number;
}

/** An OCR engine that can also say how long each stage took (for benchmarks). */
export interface PaddleOcrEngine extends OcrEngine {
  recognizeTimed(image: RgbaPixels): Promise<{ result: OcrResult; timings: OcrTimings }>;
}

const NO_TIME: OcrTimings = { detectionMs: 0, cropMs: 0, classificationMs: 0, recognitionMs: 0, boxes: 0 };

async function runPipeline(
  networks: PaddleOcrNetworks,
  options: PaddleOcrOptions,
  image: RgbaPixels,
): Promise<{ result: OcrResult; timings: OcrTimings }> {
  const { width, height } = image;
  if (width < 1 || height < 1) return { result: { width, height, lines: [], text: '' }, timings: NO_TIME };
  let started = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - started;
    started = now;
    return ms;
  };
  const boxes = await detectBoxes(networks.detector, image);
  const detectionMs = lap();
  const crops = boxes.flatMap((box) => {
    const crop = cropLine(image, box);
    return crop ? [{ box, crop }] : [];
  });
  const cropMs = lap();
  const pictures = crops.map((c) => c.crop);
  if (pictures.length > 0) await orientLines(networks.classifier, pictures, options.flipThreshold);
  const classificationMs = lap();
  const decoded = pictures.length > 0 ? await recognizeLines(networks.recognizer, pictures, networks.characters) : [];
  const lines: OcrLine[] = [];
  crops.forEach(({ box }, i) => {
    const { confidence } = decoded[i]!;
    const text = decoded[i]!.text.trim();
    if (confidence >= options.minConfidence && text !== '') lines.push({ text, confidence, box });
  });
  const ordered = readingOrder(lines);
  const recognitionMs = lap();
  return {
    result: { width, height, lines: ordered, text: ordered.map((line) => line.text).join('\n') },
    timings: { detectionMs, cropMs, classificationMs, recognitionMs, boxes: boxes.length },
  };
}

/**
 * PaddleOCR's pipeline (detect, crop, turn upside-down lines, recognise, order) over the three
 * networks. Calls run one at a time: each stage already uses every thread the runtime has, and
 * interleaving pictures would only hold more of them in memory.
 */
export function createPaddleOcrEngine(
  networks: PaddleOcrNetworks,
  model: { readonly device: ExecutionDevice; dispose(): Promise<void> },
  options: PaddleOcrOptions = PADDLE_OCR_DEFAULTS,
): PaddleOcrEngine {
  let queue: Promise<unknown> = Promise.resolve();
  const recognizeTimed = (image: RgbaPixels) => {
    const run = queue.then(() => runPipeline(networks, options, image));
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    device: model.device,
    recognizeTimed,
    recognize: async (image) => (await recognizeTimed(image)).result,
    dispose: () => queue.then(() => model.dispose()),
  };
}
