import type { Plugin } from '../../ecs';
import { TEXT_EMBEDDING_COMPONENTS } from '../components/embeddings';
import { NeedsTextEmbeddingMarker } from '../components/markers';
import { MIGRATION_0004_TEXT_EMBEDDINGS } from '../migrations/0004-text-embeddings';

/** Text embeddings: one table per model (EMBEDDING_MODEL_REGISTRY) and the marker that asks for them. */
export const semanticPlugin: Plugin = {
  name: 'dam-semantic',
  build(world) {
    world.registerComponent(...TEXT_EMBEDDING_COMPONENTS, NeedsTextEmbeddingMarker);
    world.addMigration(MIGRATION_0004_TEXT_EMBEDDINGS);
  },
};
