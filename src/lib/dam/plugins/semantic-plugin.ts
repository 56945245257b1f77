import type { Plugin } from '../../ecs';
import { TEXT_EMBEDDING_COMPONENTS } from '../components/embeddings';
import { NeedsTextEmbeddingMarker } from '../components/markers';
import { MIGRATION_0004_TEXT_EMBEDDINGS } from '../migrations/0004-text-embeddings';
import { semanticSearchListener, textEmbeddingSystem } from '../systems/semantic-systems';

/**
 * Text embeddings: one table per model (EMBEDDING_MODEL_REGISTRY), the marker that asks for them,
 * the system that writes them and the listener that answers `SemanticSearchQuery`. Needs a
 * `ModelExecutionManager` resource (both platforms give one).
 */
export const semanticPlugin: Plugin = {
  name: 'dam-semantic',
  build(world) {
    world.registerComponent(...TEXT_EMBEDDING_COMPONENTS, NeedsTextEmbeddingMarker);
    world.addMigration(MIGRATION_0004_TEXT_EMBEDDINGS);
    world.addSystem(textEmbeddingSystem);
    world.addSystem(semanticSearchListener);
  },
};
