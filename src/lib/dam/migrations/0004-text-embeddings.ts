import type { Migration } from '../../db/migrations';
import { componentTableDdl } from '../../ecs';

function textEmbeddingTable(table: string, dimensions: number): string[] {
  return [
    componentTableDdl(
      table,
      [`embedding_vector vector(${dimensions}) NOT NULL`, 'source_component_name text NOT NULL', 'source_field_name text NOT NULL'],
      { unique: false },
    ),
    // One vector per (entity, field): re-embedding replaces, never duplicates.
    `CREATE UNIQUE INDEX ${table}_source_idx ON ${table} (entity_id, source_component_name, source_field_name);`,
    `CREATE INDEX ${table}_hnsw_idx ON ${table} USING hnsw (embedding_vector vector_cosine_ops);`,
  ];
}

/** Shipped: never edit; add a new migration instead. */
export const MIGRATION_0004_TEXT_EMBEDDINGS: Migration = {
  id: '0004_text_embeddings',
  sql: [
    ...textEmbeddingTable('component_embedding_minilm_l6_v2_d384', 384),
    ...textEmbeddingTable('component_embedding_use_lite_d512', 512),
    componentTableDdl('component_marker_needs_text_embedding', [], { unique: true }),
  ].join('\n'),
};
