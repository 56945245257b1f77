import type { LoadedModel } from '../model-types';
import type { RgbaPixels } from '../vision/image-input';

/** A point in the source picture's pixel coordinates. */
export type OcrPoint = readonly [x: number, y: number];

/** One recognised line: its text, the recogniser's mean confidence, and its quadrilateral (clockwise from top left). */
export interface OcrLine {
  readonly text: string;
  readonly confidence: number;
  readonly box: readonly [OcrPoint, OcrPoint, OcrPoint, OcrPoint];
}

export interface OcrResult {
  /** The picture's size the boxes refer to. */
  readonly width: number;
  readonly height: number;
  /** Lines in reading order (top to bottom, left to right). */
  readonly lines: readonly OcrLine[];
  /** The lines' text joined by newlines. */
  readonly text: string;
}

/** Text detection, direction and recognition over one picture. */
export interface OcrEngine extends LoadedModel {
  recognize(image: RgbaPixels): Promise<OcrResult>;
}
