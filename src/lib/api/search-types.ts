/** Saved searches as the DamApi returns them. */

import type { AssetSort } from './dam-api';

export interface SavedSearch {
  readonly id: number;
  /** Unique in the world, compared without regard to case. */
  readonly name: string;
  /** The query, in the search box's language. */
  readonly query: string;
  readonly sort: AssetSort;
  readonly descending: boolean | null;
  readonly createdAt: string;
  /** Matches added since the search was last opened (`markSavedSearchSeen`): the badge. */
  readonly newMatches: number;
}

export interface SavedSearchInput {
  readonly name: string;
  readonly query: string;
  readonly sort?: AssetSort;
  readonly descending?: boolean | null;
}
