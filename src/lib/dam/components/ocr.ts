import { defineComponent, integer, jsonb, text } from '../../ecs';
import type { OcrLine } from '../../ml/ocr/ocr-types';

/**
 * Text read from a picture (OCR): the lines in reading order joined by newlines, each line with
 * its box in the pixels of the picture as it was read (`imageWidth` × `imageHeight`, which the
 * asset page scales to the shown image). Full-text search and text embeddings read `text`.
 */
export const OcrTextComponent = defineComponent({
  name: 'OcrTextComponent',
  table: 'component_ocr_text',
  unique: true,
  columns: {
    text: text('text'),
    lines: jsonb<OcrLine[]>('lines'),
    imageWidth: integer('image_width'),
    imageHeight: integer('image_height'),
    modelName: text('model_name'),
  },
});
