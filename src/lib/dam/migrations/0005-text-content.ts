import type { Migration } from '../../db/migrations';
import { componentTableDdl } from '../../ecs';

/** Shipped: never edit; add a new migration instead. */
export const MIGRATION_0005_TEXT_CONTENT: Migration = {
  id: '0005_text_content',
  sql: componentTableDdl('component_text_content', ['text text NOT NULL', 'truncated boolean NOT NULL'], { unique: true }),
};
