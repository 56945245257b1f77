import type { AudioWaveform, SimilarSound } from '../api/audio-types';
import type { ModelStatus, SemanticSearchResult } from '../api/dam-api';
import { EventHandlingError } from '../ecs';
import { DamError } from './errors';
import { AudioSearchQuery } from './events/audio-search-query';
import { AudioCodec } from './media/audio-codec';
import { splitMeaningQuery } from './query/meaning-split';
import type { QueryContext } from './query/query-sql';
import { getAssetCards, parseSearch } from './services/asset-query-service';
import { embedTextForSounds } from './services/audio-text-search';
import { audioWaveform } from './services/audio-waveform-service';
import { markUnembeddedSounds } from './services/audio-service';
import { getAudioEmbeddingModelInfo } from './models/audio-embedding-model-registry';
import { loadStoredFiles, readStoredBlob } from './services/stored-file-service';
import { AUDIO_SOURCE_COLUMNS, findNearestEntities } from './services/vector-search';
import { SearchHost } from './search-host';

/**
 * Sounds on top of the searches: similar sounds (AudioSearchQuery), a waveform to draw, and words
 * that reach sounds through an audio model with a text tower (CLAP), once one is here.
 */
export class SoundHost extends SearchHost {
  async findSimilarSounds(id: number, options: { limit?: number } = {}): Promise<SimilarSound[]> {
    const world = this.requireOpen();
    const topN = Math.max(1, Math.min(200, Math.floor(options.limit ?? 24)));
    const [answer] = await world.dispatchEvent(new AudioSearchQuery(id, { topN })).catch((error: unknown) => {
      throw error instanceof EventHandlingError && error.cause instanceof DamError ? error.cause : error;
    });
    if (!answer) return [];
    const cards = await getAssetCards(
      world.db,
      answer.matches.map((m) => m.entityId),
    );
    return answer.matches.map((m) => ({
      id: m.entityId,
      name: cards.get(m.entityId)?.name ?? null,
      similarity: m.score,
      model: answer.model,
    }));
  }

  async audioWaveform(id: number, options: { buckets?: number } = {}): Promise<AudioWaveform | null> {
    const { world, blobs } = this.requireOpenWorld();
    const [file] = await loadStoredFiles(world.db, [id]);
    if (!file) return null;
    try {
      return await audioWaveform(this.platform.globalResources.get(AudioCodec), await readStoredBlob(blobs, file), options.buckets ?? 200);
    } catch {
      // Not a sound this host can decode: there is nothing to draw.
      return null;
    }
  }

  /** The meaning search, and sounds that match the words where an audio model reads text (CLAP). */
  override async semanticSearch(
    query: string,
    options: { topN?: number; minSimilarity?: number; minPictureSimilarity?: number; model?: string } = {},
  ): Promise<SemanticSearchResult> {
    const result = await super.semanticSearch(query, options);
    const { text } = splitMeaningQuery(parseSearch(query));
    const sounds = await embedTextForSounds(this.modelResources().models, text.trim());
    if (!sounds) return result;
    const db = this.requireOpen().db;
    const matches = await findNearestEntities(
      db,
      sounds.table,
      sounds.vector,
      { topN: options.topN ?? 10, minSimilarity: sounds.minSimilarity },
      AUDIO_SOURCE_COLUMNS,
    );
    const cards = await getAssetCards(
      db,
      matches.map((m) => m.entityId),
    );
    const soundHits = matches.flatMap((m) => {
      const asset = cards.get(m.entityId);
      return asset ? [{ asset, score: m.score, matchedComponent: sounds.component, matchedField: 'sound' }] : [];
    });
    return { ...result, soundModel: sounds.model, soundHits };
  }

  /** An audio model that arrives queues every sound it has not embedded, in the open world. */
  override async importModel(name: string, files: readonly { path: string; file: Blob }[]): Promise<ModelStatus> {
    return this.afterAudioModelArrives(await super.importModel(name, files));
  }

  override async downloadModel(name: string): Promise<ModelStatus> {
    return this.afterAudioModelArrives(await super.downloadModel(name));
  }

  private async afterAudioModelArrives(status: ModelStatus): Promise<ModelStatus> {
    if (status.task !== 'audio-embedding' || !this.open) return status;
    const { world, runner } = this.open;
    const table = getAudioEmbeddingModelInfo(status.name).component.table;
    if ((await world.transaction((tx) => markUnembeddedSounds(tx, table))) > 0) runner.kick();
    return status;
  }

  protected override queryContext(options: { readonly pictureMinSimilarity?: number } = {}): QueryContext {
    const { models } = this.modelResources();
    return {
      ...super.queryContext(options),
      embedTextForSounds: (text) => embedTextForSounds(models, text),
    };
  }
}
