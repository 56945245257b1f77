import type { SavedSearch, SavedSearchInput } from '../../api/dam-api';
import { damClient, errorMessage } from '../dam-client';
import { DEFAULT_MIN_PERCENT, searchLinkQuery } from './search-link';

/** The search page's query string for a saved search: matching as its badge counts (by name and terms), in its order. */
export function savedSearchQuery(search: SavedSearch): string {
  const order = search.descending === null ? null : search.descending ? 'desc' : 'asc';
  return searchLinkQuery({
    query: search.query,
    mode: 'name',
    minPercent: DEFAULT_MIN_PERCENT,
    pictureMinPercent: null,
    sort: search.sort,
    order,
    page: 1,
  });
}

/**
 * The open world's saved searches, with their new-match badges. The layout refreshes them when
 * a world opens and when files finish arriving; the search page saves, and marks one seen when
 * it shows that search's results.
 */
class SavedSearchesState {
  list = $state<SavedSearch[]>([]);
  error = $state<string | null>(null);
  /** Answers can overtake each other; only the newest is kept. */
  #asked = 0;

  async refresh(): Promise<void> {
    const ask = ++this.#asked;
    try {
      const list = await damClient().savedSearches();
      if (ask === this.#asked) {
        this.list = list;
        this.error = null;
      }
    } catch (error) {
      if (ask === this.#asked) this.error = errorMessage(error);
    }
  }

  async save(input: SavedSearchInput): Promise<SavedSearch> {
    const saved = await damClient().saveSearch(input);
    await this.refresh();
    return saved;
  }

  /** Marks the saved search with this query seen, if there is one with new matches. */
  async shown(query: string): Promise<void> {
    const search = this.list.find((s) => s.query === query.trim() && s.newMatches > 0);
    if (!search) return;
    await damClient().markSavedSearchSeen(search.id);
    await this.refresh();
  }

  async remove(id: number): Promise<void> {
    await damClient().deleteSavedSearch(id);
    await this.refresh();
  }
}

export const savedSearches = new SavedSearchesState();
