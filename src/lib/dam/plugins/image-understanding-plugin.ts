import type { Plugin } from '../../ecs';
import { IMAGE_EMBEDDING_COMPONENTS } from '../components/image-embeddings';
import { NeedsImageEmbeddingMarker, NeedsOcrMarker } from '../components/markers';
import { OcrTextComponent } from '../components/ocr';
import { MIGRATION_0012_IMAGE_UNDERSTANDING } from '../migrations/0012-image-understanding';
import { imageEmbeddingSystem, ocrSystem } from '../systems/image-understanding-systems';

/**
 * Pictures understood by models: CLIP vectors (search by text or picture, zero-shot tags) and
 * OCR text. After the search plugin: its migration extends the full-text documents of 0011.
 * Needs `ModelExecutionManager`, `BlobStore` and `ImageCodec` resources when pictures are marked.
 */
export const imageUnderstandingPlugin: Plugin = {
  name: 'dam-image-understanding',
  build(world) {
    world.registerComponent(...IMAGE_EMBEDDING_COMPONENTS, OcrTextComponent, NeedsImageEmbeddingMarker, NeedsOcrMarker);
    world.addMigration(MIGRATION_0012_IMAGE_UNDERSTANDING);
    world.addSystem(imageEmbeddingSystem);
    world.addSystem(ocrSystem);
  },
};
