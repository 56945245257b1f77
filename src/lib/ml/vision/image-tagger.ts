import type { LoadedModel } from '../model-types';
import type { ImageInputSpec, RgbaPixels } from './image-input';

/** What a label means to the thresholds: the WD taggers' CSV categories (0, 4 and 9). */
export type TaggerLabelCategory = 'general' | 'character' | 'rating';

export interface TaggerLabel {
  /** The tag it becomes, namespaced where it has one (`rating:neutral`, `character:alice`). */
  readonly name: string;
  readonly category: TaggerLabelCategory;
}

/** A loaded image tagger: the labels it scores and how it wants its pictures. */
export interface ImageTagger extends LoadedModel {
  readonly labels: readonly TaggerLabel[];
  readonly input: ImageInputSpec;
  /** One score (0–1) per label for each picture, in input order. */
  score(images: readonly RgbaPixels[]): Promise<Float32Array[]>;
}

/** Params every image tagger loader takes (from TAGGING_MODEL_REGISTRY). */
export interface ImageTaggerParams {
  readonly input: ImageInputSpec;
  /** Fixed labels, in output order; or read from the folder's `selected_tags.csv`. */
  readonly labels?: readonly TaggerLabel[];
}

export function imageTaggerParams(params: Readonly<Record<string, unknown>>, model: string): ImageTaggerParams {
  const input = params.input as ImageInputSpec | undefined;
  if (!input || !(input.size > 0)) throw new Error(`Image tagger ${model} needs an input size in its params`);
  return { input, labels: params.labels as readonly TaggerLabel[] | undefined };
}

/** Splits a scores tensor's flat data (N × labels) into one array per picture, checking its width. */
export function splitScores(data: Float32Array, pictures: number, labels: number, model: string): Float32Array[] {
  if (data.length !== pictures * labels) {
    throw new Error(`Model ${model} gave ${data.length / Math.max(1, pictures)} scores a picture, but it has ${labels} labels`);
  }
  return Array.from({ length: pictures }, (_, i) => data.slice(i * labels, (i + 1) * labels));
}
