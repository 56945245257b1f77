import type { TensorNetwork } from '../model-types';
import type { RgbaPixels } from '../vision/image-input';
import { ctcGreedyDecode, type DecodedLine } from './ctc-decode';
import { boxesFromProbabilityMap, type DbOptions } from './db-postprocess';
import { detectionInput } from './detection-input';
import { byAspectRatio, LINE_HEIGHT, lineBatchInput, lineDrawWidth, lineWindows } from './line-input';
import { rotateHalfTurn } from './line-crop';
import type { Quad } from './ocr-geometry';

/**
 * One of the three networks, without ONNX Runtime's types: a float32 NCHW input in, and `read`
 * sees the first output (data and dims) before the runtime releases it.
 */
export type OcrNetwork = TensorNetwork;

/** PaddleOCR's `cls_image_shape` width; the height is `LINE_HEIGHT`. */
const CLASSIFIER_WIDTH = 192;
/** PaddleOCR's `rec_image_shape` width: the narrowest a recognition batch is padded to. */
const RECOGNIZER_MIN_WIDTH = 320;
/**
 * Longer lines are squeezed to this width (80 × the height, some 150 characters); PaddleOCR has
 * no limit, but a batch's output is width / 8 steps × 6,625 classes of floats.
 */
const RECOGNIZER_MAX_WIDTH = 3840;
/** Lines per recognition batch (`rec_batch_num`). */
const BATCH_LINES = 6;
/** Windows read per line by the direction classifier, and per batch (all the same size, so nothing is padded). */
const CLASSIFIER_WINDOWS = 5;
const CLASSIFIER_BATCH = 16;
/** A recognition batch also ends before its padded width × lines exceeds this, so wide lines go in smaller batches. */
const RECOGNIZER_BATCH_COLUMNS = BATCH_LINES * 1280;

/** Text boxes in source pixels, from DBNet's probability map. */
export async function detectBoxes(detector: OcrNetwork, image: RgbaPixels, options?: DbOptions): Promise<Quad[]> {
  const input = detectionInput(image);
  return detector.run(input.data, [1, 3, input.height, input.width], (map, dims) => {
    const [, , height = 0, width = 0] = dims;
    if (height * width !== map.length) throw new Error(`Text detector returned a map of [${dims.join(', ')}]`);
    return boxesFromProbabilityMap({ data: map, width, height }, image.width, image.height, options);
  });
}

/**
 * Turns each line the classifier reads as upside down, in place. PaddleOCR squeezes a whole line
 * into the classifier's 4:1 input, where a long line's letters become slivers and it flips
 * upright lines (one line in twenty of a plain page here). This reads up to
 * `CLASSIFIER_WINDOWS` windows of the line at the input's own aspect and averages their
 * probability of 180°; a short line is read whole, as PaddleOCR does.
 */
export async function orientLines(classifier: OcrNetwork, lines: RgbaPixels[], threshold = 0.9): Promise<void> {
  const windows = lines.flatMap((line, owner) =>
    lineWindows(line, CLASSIFIER_WIDTH / LINE_HEIGHT, CLASSIFIER_WINDOWS).map((window) => ({ owner, window })),
  );
  const upsideDown = new Float64Array(lines.length);
  const count = new Uint32Array(lines.length);
  for (let start = 0; start < windows.length; start += CLASSIFIER_BATCH) {
    const batch = windows.slice(start, start + CLASSIFIER_BATCH);
    const input = lineBatchInput(
      batch.map((w) => w.window),
      CLASSIFIER_WIDTH,
    );
    await classifier.run(input, [batch.length, 3, LINE_HEIGHT, CLASSIFIER_WIDTH], (scores, dims) => {
      if (dims[0] !== batch.length || dims[1] !== 2) throw new Error(`Direction classifier returned [${dims.join(', ')}]`);
      batch.forEach(({ owner }, row) => {
        upsideDown[owner]! += scores[row * 2 + 1]!;
        count[owner]!++;
      });
    });
  }
  lines.forEach((line, i) => {
    if (upsideDown[i]! / count[i]! > threshold) rotateHalfTurn(line);
  });
}

/** Batches of line indices (narrowest first) and the width each batch is padded to. */
function recognitionBatches(lines: readonly RgbaPixels[]): { indices: number[]; width: number }[] {
  const batches: { indices: number[]; width: number }[] = [];
  let current: { indices: number[]; width: number } | undefined;
  for (const index of byAspectRatio(lines)) {
    // PaddleOCR's width: the height × the widest ratio in the batch, never under 320.
    const width = Math.max(RECOGNIZER_MIN_WIDTH, lineDrawWidth(lines[index]!, RECOGNIZER_MAX_WIDTH));
    const full = current && (current.indices.length >= BATCH_LINES || (current.indices.length + 1) * width > RECOGNIZER_BATCH_COLUMNS);
    if (!current || full) {
      current = { indices: [], width };
      batches.push(current);
    }
    current.indices.push(index);
    current.width = Math.max(current.width, width);
  }
  return batches;
}

/** Each line's text and mean character probability, in the order given. */
export async function recognizeLines(
  recognizer: OcrNetwork,
  lines: readonly RgbaPixels[],
  characters: readonly string[],
): Promise<DecodedLine[]> {
  const decoded: DecodedLine[] = new Array<DecodedLine>(lines.length);
  for (const batch of recognitionBatches(lines)) {
    const input = lineBatchInput(
      batch.indices.map((i) => lines[i]!),
      batch.width,
    );
    await recognizer.run(input, [batch.indices.length, 3, LINE_HEIGHT, batch.width], (probabilities, dims) => {
      const [count, steps = 0, classes = 0] = dims;
      if (count !== batch.indices.length || classes !== characters.length) {
        throw new Error(`Text recogniser returned [${dims.join(', ')}] for a dictionary of ${characters.length - 1} characters and blank`);
      }
      batch.indices.forEach((line, row) => {
        decoded[line] = ctcGreedyDecode(probabilities, row * steps * classes, steps, classes, characters);
      });
    });
  }
  return decoded;
}
