import type { Migration } from '../../db/migrations';
import { componentTableDdl } from '../../ecs';

function audioEmbeddingTable(table: string, dimensions: number): string[] {
  return [
    componentTableDdl(table, [`embedding_vector vector(${dimensions}) NOT NULL`, 'model_name text NOT NULL'], { unique: false }),
    // One vector per (sound, model): embedding again replaces it.
    `CREATE UNIQUE INDEX ${table}_model_idx ON ${table} (entity_id, model_name);`,
    `CREATE INDEX ${table}_hnsw_idx ON ${table} USING hnsw (embedding_vector vector_cosine_ops);`,
  ];
}

/** Audio embeddings, one table per model (seeds §2.6), and their marker. Shipped: never edit. */
export const MIGRATION_0013_AUDIO_EMBEDDINGS: Migration = {
  id: '0013_audio_embeddings',
  sql: [
    ...audioEmbeddingTable('component_audio_embedding_speech_embedding_d96', 96),
    ...audioEmbeddingTable('component_audio_embedding_clap_htsat_unfused_d512', 512),
    ...audioEmbeddingTable('component_audio_embedding_vggish_d128', 128),
    componentTableDdl('component_marker_needs_audio_processing', [], { unique: true }),
  ].join('\n'),
};
