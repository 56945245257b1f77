import type { Plugin } from '../../ecs';
import { AUDIO_EMBEDDING_COMPONENTS } from '../components/audio-embeddings';
import { NeedsAudioProcessingMarker } from '../components/markers';
import { MIGRATION_0013_AUDIO_EMBEDDINGS } from '../migrations/0013-audio-embeddings';
import { audioEmbeddingGenerationSystem, audioSearchListener } from '../systems/audio-systems';

/**
 * Sounds (seeds §2.6): audio embeddings per model, their marker, the system that writes them and
 * the listener that answers `AudioSearchQuery`. Needs `ModelExecutionManager`, `BlobStore` and
 * `AudioCodec` resources when sounds are marked.
 */
export const audioPlugin: Plugin = {
  name: 'dam-audio',
  build(world) {
    world.registerComponent(...AUDIO_EMBEDDING_COMPONENTS, NeedsAudioProcessingMarker);
    world.addMigration(MIGRATION_0013_AUDIO_EMBEDDINGS);
    world.addSystem(audioEmbeddingGenerationSystem);
    world.addSystem(audioSearchListener);
  },
};
