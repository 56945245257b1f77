import { QueryEvent, type EntityId } from '../../ecs';
import type { SemanticMatch } from '../services/vector-search';

/** The answer of an audio search: which model answered, and its matches, best first. */
export interface AudioSearchAnswer {
  readonly model: string;
  readonly matches: readonly SemanticMatch[];
}

/**
 * Asks the world for the sounds nearest an entity's sound (seeds §2.6: AudioSearchQuery). `model`
 * picks an audio model; without it the first one that has embedded the entity answers. Null
 * when no model has.
 */
export class AudioSearchQuery extends QueryEvent<AudioSearchAnswer | null> {
  constructor(
    readonly entityId: EntityId,
    readonly options: { readonly model?: string; readonly topN?: number; readonly minSimilarity?: number } = {},
  ) {
    super();
  }
}
