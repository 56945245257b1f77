import { QueryEvent } from '../../ecs';
import type { SemanticMatch } from '../services/semantic-service';

/** The answer of a semantic search: which model answered, and its matches, best first. */
export interface SemanticSearchAnswer {
  readonly model: string;
  readonly matches: readonly SemanticMatch[];
}

/**
 * Asks the world for the entities whose text means most nearly `queryText` (seeds §2.5).
 * `model` picks a text model; without it the preferred available one answers.
 */
export class SemanticSearchQuery extends QueryEvent<SemanticSearchAnswer> {
  constructor(
    readonly queryText: string,
    readonly options: { readonly model?: string; readonly topN?: number; readonly minSimilarity?: number } = {},
  ) {
    super();
  }
}
