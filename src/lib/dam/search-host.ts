import type {
  ImageUnderstandingSettings,
  ImageUnderstandingStatus,
  ModelStatus,
  OcrTextView,
  PictureSearchResult,
  SemanticSearchHit,
  SemanticSearchResult,
  SimilarImage,
} from '../api/dam-api';
import type { SqlExecutor } from '../db/database';
import { ecs, EventHandlingError } from '../ecs';
import { ImageCodec } from './media/image-codec';
import { NeedsImageEmbeddingMarker, NeedsOcrMarker, NeedsTextEmbeddingMarker } from './components/markers';
import { OcrTextComponent } from './components/ocr';
import { DamError } from './errors';
import { SemanticSearchQuery } from './events/semantic-search-query';
import { SIMILAR_PICTURE_MIN_SIMILARITY } from './query/field-sql';
import { getImageEmbeddingModelInfo } from './models/image-embedding-model-registry';
import { ZERO_SHOT_VOCABULARY } from './models/zero-shot-vocabulary';
import { ModelHost } from './model-host';
import { splitMeaningQuery } from './query/meaning-split';
import { entitiesMatching, type QueryContext } from './query/query-sql';
import { getAssetCards, parseSearch } from './services/asset-query-service';
import { findPicturesByText, findPicturesLike, findPicturesLikeEntity, embedTextForPictures } from './services/image-search-service';
import { chooseImageModel, getImageEmbedder } from './services/image-model-choice';
import {
  getImageUnderstandingSettings,
  markUnembeddedPictures,
  setImageUnderstandingSettings,
} from './services/image-understanding-settings';
import { findSimilarImages } from './services/similarity-service';
import type { SemanticMatch } from './services/vector-search';
import { retagFromStoredVectors } from './services/zero-shot-tagging';

/** Longer search text is refused rather than cut: what was cut would silently not count. */
const MAX_QUERY_CHARS = 1000;
/** SemanticSearchQuery's default result count, and the most a filtered search asks the model for. */
const DEFAULT_TOP_N = 10;
const MAX_FILTERED_TOP_N = 500;

/**
 * Searches by meaning and by picture on the open world, with the shared models: the text model
 * for texts, the image model (CLIP, once imported or downloaded) for pictures, and the
 * settings of what is done with pictures (zero-shot tags, OCR).
 */
export class SearchHost extends ModelHost {
  async semanticSearch(
    query: string,
    options: { topN?: number; minSimilarity?: number; minPictureSimilarity?: number; model?: string } = {},
  ): Promise<SemanticSearchResult> {
    if (query.trim().length > MAX_QUERY_CHARS) {
      throw new DamError(
        'InvalidQueryError',
        `The search text is ${query.trim().length} characters long; at most ${MAX_QUERY_CHARS} are allowed`,
      );
    }
    // Words are embedded; tag terms and the like filter what the models find.
    const { text, filter } = splitMeaningQuery(parseSearch(query));
    if (!text.trim()) throw new DamError('InvalidQueryError', 'Type a few words to search for');
    const world = this.requireOpen();
    const topN = options.topN ?? DEFAULT_TOP_N;
    // A filter drops hits, so the models are asked for more to leave enough after it.
    const askedN = filter ? Math.min(MAX_FILTERED_TOP_N, topN * 5) : topN;
    const [answer] = await world
      .dispatchEvent(new SemanticSearchQuery(text.trim(), { ...options, topN: askedN }))
      .catch((error: unknown) => {
        // A listener's DamError (no model, unknown model) is the user's answer, not its wrapper.
        throw error instanceof EventHandlingError && error.cause instanceof DamError ? error.cause : error;
      });
    if (!answer) throw new DamError('ModelUnavailableError', 'Semantic search is not set up in this world');
    const { models } = this.modelResources();
    const pictureModel = await chooseImageModel(models);
    const pictureMinSimilarity = pictureModel
      ? (options.minPictureSimilarity ?? getImageEmbeddingModelInfo(pictureModel).defaultMinSimilarity)
      : null;
    const pictures = pictureModel
      ? await findPicturesByText(world.db, models, text.trim(), { topN: askedN, minSimilarity: pictureMinSimilarity ?? undefined })
      : null;
    const { rows } = await world.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${NeedsTextEmbeddingMarker.table}`);
    return {
      model: answer.model,
      hits: await this.hitsOf(world.db, answer.matches, filter, topN),
      pendingEntities: rows[0]?.n ?? 0,
      pictureModel,
      pictureHits: pictures ? await this.hitsOf(world.db, pictures.matches, filter, topN) : [],
      pictureMinSimilarity,
    };
  }

  async searchByPicture(picture: Blob, options: { topN?: number; minSimilarity?: number } = {}): Promise<PictureSearchResult> {
    const world = this.requireOpen();
    const { models } = this.modelResources();
    const codec = this.platform.globalResources.get(ImageCodec);
    let found: Awaited<ReturnType<typeof findPicturesLike>>;
    try {
      found = await findPicturesLike(world.db, models, codec, picture, {
        topN: options.topN ?? DEFAULT_TOP_N,
        minSimilarity: options.minSimilarity,
      });
    } catch (error) {
      if (error instanceof DamError) throw error;
      throw new DamError('InvalidQueryError', `That picture cannot be searched by: ${(error as Error).message}`, { cause: error });
    }
    if (!found) return { model: null, hits: [] };
    return { model: found.model, hits: await this.hitsOf(world.db, found.matches, null, options.topN ?? DEFAULT_TOP_N) };
  }

  /** Pictures like this one: by the image model where it has a vector, else by perceptual hashes. */
  async findSimilarImages(id: number, options: { threshold?: number; limit?: number } = {}): Promise<SimilarImage[]> {
    const { db } = this.requireOpen();
    const model = options.threshold === undefined ? await chooseImageModel(this.modelResources().models) : null;
    if (model) {
      const limit = Math.max(1, Math.min(1000, Math.floor(options.limit ?? 50)));
      const table = getImageEmbeddingModelInfo(model).component.table;
      const matches = await findPicturesLikeEntity(db, table, id, { topN: limit, minSimilarity: SIMILAR_PICTURE_MIN_SIMILARITY });
      if (matches) {
        const cards = await getAssetCards(
          db,
          matches.map((m) => m.entityId),
        );
        return matches.map((m) => ({ id: m.entityId, name: cards.get(m.entityId)?.name ?? null, distance: null, similarity: m.score }));
      }
    }
    return (await findSimilarImages(db, id, options)).map((s) => ({ ...s, similarity: null }));
  }

  async imageUnderstanding(): Promise<ImageUnderstandingStatus> {
    const world = this.requireOpen();
    const settings = await getImageUnderstandingSettings(world.db);
    const count = async (table: string) => (await world.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n ?? 0;
    return {
      ...settings,
      imageModel: await chooseImageModel(this.modelResources().models),
      defaultVocabulary: ZERO_SHOT_VOCABULARY,
      pendingEmbeddings: await count(NeedsImageEmbeddingMarker.table),
      pendingOcr: await count(NeedsOcrMarker.table),
    };
  }

  async setImageUnderstanding(
    changes: Partial<ImageUnderstandingSettings> & { readonly retagAll?: boolean },
  ): Promise<ImageUnderstandingStatus> {
    const { world, runner } = this.requireOpenWorld();
    const { retagAll, ...settings } = changes;
    const saved = await world.transaction((tx) => setImageUnderstandingSettings(tx, settings));
    const model = retagAll && saved.zeroShotTags ? await chooseImageModel(this.modelResources().models) : null;
    if (model) {
      const embedder = await getImageEmbedder(this.modelResources().models, model);
      await retagFromStoredVectors(world.db, embedder, model, getImageEmbeddingModelInfo(model).component.table, saved);
    }
    runner.kick();
    return this.imageUnderstanding();
  }

  async assetOcrText(id: number): Promise<OcrTextView | null> {
    const ocr = await ecs.getComponent(this.requireOpen().db, id, OcrTextComponent);
    // A picture read with no text found keeps an empty row (so it is not read again).
    if (!ocr || ocr.lines.length === 0) return null;
    return { text: ocr.text, width: ocr.imageWidth, height: ocr.imageHeight, lines: ocr.lines, model: ocr.modelName };
  }

  /** An image model that arrives queues every picture without a vector in the open world. */
  override async importModel(name: string, files: readonly { path: string; file: Blob }[]): Promise<ModelStatus> {
    return this.afterModelArrives(await super.importModel(name, files));
  }

  override async downloadModel(name: string): Promise<ModelStatus> {
    return this.afterModelArrives(await super.downloadModel(name));
  }

  /** A world opened after an image model arrived catches up with its pictures. */
  override async openWorld(name: string) {
    const stats = await super.openWorld(name);
    await this.markPicturesForImageModel();
    return stats;
  }

  protected override queryContext(options: { readonly pictureMinSimilarity?: number } = {}): QueryContext {
    const { models } = this.modelResources();
    return { ...super.queryContext(), embedTextForPictures: (text) => embedTextForPictures(models, text), ...options };
  }

  private async afterModelArrives(status: ModelStatus): Promise<ModelStatus> {
    if (status.task === 'image-embedding') await this.markPicturesForImageModel();
    return status;
  }

  private async markPicturesForImageModel(): Promise<void> {
    if (!this.open) return;
    const model = await chooseImageModel(this.modelResources().models);
    if (!model) return;
    const { world, runner } = this.open;
    const marked = await world.transaction((tx) => markUnembeddedPictures(tx, getImageEmbeddingModelInfo(model).component.table));
    if (marked > 0) runner.kick();
  }

  /** Matches as hits (cards), those the filter keeps, at most `topN`. */
  private async hitsOf(
    db: SqlExecutor,
    matches: readonly SemanticMatch[],
    filter: ReturnType<typeof splitMeaningQuery>['filter'],
    topN: number,
  ): Promise<SemanticSearchHit[]> {
    const kept = filter
      ? await entitiesMatching(
          db,
          filter,
          matches.map((m) => m.entityId),
          this.queryContext(),
        )
      : null;
    const chosen = (kept ? matches.filter((m) => kept.has(m.entityId)) : matches).slice(0, topN);
    const cards = await getAssetCards(
      db,
      chosen.map((m) => m.entityId),
    );
    return chosen.flatMap((match) => {
      const asset = cards.get(match.entityId);
      return asset ? [{ asset, score: match.score, matchedComponent: match.sourceComponentName, matchedField: match.sourceFieldName }] : [];
    });
  }
}
