import { defineListener, defineSystem, Marked, Res, Stage, TriggeringEvent, WorldSession } from '../../ecs';
import { ModelExecutionManager } from '../../ml/model-execution-manager';
import { NeedsTextEmbeddingMarker } from '../components/markers';
import { SemanticSearchQuery } from '../events/semantic-search-query';
import { findSimilarEntitiesByText, updateTextEmbeddingsForEntities } from '../services/semantic-service';
import { chooseTextModel, getTextEmbedder } from '../services/text-model-choice';

/**
 * Text embeddings for marked entities, after metadata (which holds most of their text) and in a
 * stage of its own (PostProcessing, where the seed says ContentAnalysis): a model that cannot
 * load then stops only this stage, with its error shown, and never rolls back thumbnails. The
 * markers stay until a later run succeeds.
 */
export const textEmbeddingSystem = defineSystem({
  name: 'textEmbeddingSystem',
  stage: Stage.PostProcessing,
  params: { tx: WorldSession, models: Res(ModelExecutionManager), entities: Marked(NeedsTextEmbeddingMarker, { limit: 64 }) },
  async run({ tx, models, entities }) {
    await updateTextEmbeddingsForEntities(tx, models, await chooseTextModel(models), entities);
  },
});

/** Answers `SemanticSearchQuery` with `findSimilarEntitiesByText` on the chosen model's table. */
export const semanticSearchListener = defineListener({
  name: 'semanticSearchListener',
  on: SemanticSearchQuery,
  params: { tx: WorldSession, models: Res(ModelExecutionManager), event: TriggeringEvent },
  async run({ tx, models, event }) {
    const model = await chooseTextModel(models, event.options.model);
    const embedder = await getTextEmbedder(models, model);
    const matches = await findSimilarEntitiesByText(tx, embedder, model, event.queryText, {
      topN: event.options.topN,
      minSimilarity: event.options.minSimilarity,
    });
    return { model, matches };
  },
});
