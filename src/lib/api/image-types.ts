import type { SemanticSearchHit } from './semantic-types';

/** What a world does with its pictures besides thumbnails (Settings → Pictures). */
export interface ImageUnderstandingSettings {
  /** Tags from the vocabulary, scored by the image model (CLIP), once one is here. */
  readonly zeroShotTags: boolean;
  /** The labels to score; null for the default vocabulary. */
  readonly vocabulary: readonly string[] | null;
  /** Least confidence (softmax over the vocabulary, 0–1) a label needs to become a tag. */
  readonly minConfidence: number;
  readonly maxTags: number;
  /** Read text in pictures with the bundled OCR model. */
  readonly ocr: boolean;
}

export interface ImageUnderstandingStatus extends ImageUnderstandingSettings {
  /** The image model pictures are embedded with here, or null until one is imported or downloaded. */
  readonly imageModel: string | null;
  readonly defaultVocabulary: readonly string[];
  /** Pictures and videos waiting for the image model, and pictures waiting for OCR. */
  readonly pendingEmbeddings: number;
  readonly pendingOcr: number;
}

/** Results of a search by a picture that is not in the library. */
export interface PictureSearchResult {
  /** The image model that answered; null when there is none here (then there are no hits). */
  readonly model: string | null;
  readonly hits: readonly SemanticSearchHit[];
}

/** One line of text read in a picture, its box in the picture's pixels (`width` × `height`). */
export interface OcrLineView {
  readonly text: string;
  readonly confidence: number;
  readonly box: readonly (readonly [number, number])[];
}

export interface OcrTextView {
  readonly text: string;
  readonly width: number;
  readonly height: number;
  readonly lines: readonly OcrLineView[];
  readonly model: string;
}

export interface ImageUnderstandingApi {
  /**
   * Pictures that look like `picture` (not added to the library: it is embedded and forgotten),
   * best first, at least `minSimilarity` alike (cosine; default none).
   */
  searchByPicture(picture: Blob, options?: { topN?: number; minSimilarity?: number }): Promise<PictureSearchResult>;
  imageUnderstanding(): Promise<ImageUnderstandingStatus>;
  /**
   * Saves the settings. Turning OCR on queues the pictures not read yet. With `retagAll`, every
   * embedded picture is tagged again from its stored vector with the new vocabulary and threshold.
   */
  setImageUnderstanding(changes: Partial<ImageUnderstandingSettings> & { readonly retagAll?: boolean }): Promise<ImageUnderstandingStatus>;
  /** The text read in a picture, with its lines' boxes; null when none was found (or not read yet). */
  assetOcrText(id: number): Promise<OcrTextView | null>;
}
