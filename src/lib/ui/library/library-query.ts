import { ASSET_KINDS, type AssetKind, type AssetSort } from '../../api/dam-api';

/** What the Library grid shows, kept in the URL (`?sort=name&kind=image&order=desc`). */
export interface LibraryQuery {
  readonly sort: AssetSort;
  readonly descending: boolean;
  readonly kind: AssetKind | null;
}

export const SORTS: readonly { value: AssetSort; label: string; ascending: string; descending: string }[] = [
  { value: 'added', label: 'Date added', ascending: 'Oldest first', descending: 'Newest first' },
  { value: 'taken', label: 'Date taken', ascending: 'Oldest first', descending: 'Newest first' },
  { value: 'name', label: 'Name', ascending: 'A to Z', descending: 'Z to A' },
  { value: 'size', label: 'Size', ascending: 'Smallest first', descending: 'Largest first' },
];

/** As the API does: newest or largest first, names A→Z. */
export function defaultDescending(sort: AssetSort): boolean {
  return sort !== 'name';
}

export function parseLibraryQuery(params: URLSearchParams): LibraryQuery {
  const sortParam = params.get('sort');
  const sort = SORTS.find((s) => s.value === sortParam)?.value ?? 'added';
  const order = params.get('order');
  const descending = order === 'desc' ? true : order === 'asc' ? false : defaultDescending(sort);
  const kindParam = params.get('kind');
  const kind = ASSET_KINDS.find((k) => k === kindParam) ?? null;
  return { sort, descending, kind };
}

/** The query string for a query, leaving out defaults so plain `/` stays plain. */
export function libraryQueryString(query: LibraryQuery): string {
  const params = new URLSearchParams();
  if (query.sort !== 'added') params.set('sort', query.sort);
  if (query.descending !== defaultDescending(query.sort)) params.set('order', query.descending ? 'desc' : 'asc');
  if (query.kind) params.set('kind', query.kind);
  return params.toString();
}

/** The words for the current order, e.g. "Newest first". */
export function orderLabel(query: LibraryQuery, descending = query.descending): string {
  const sort = SORTS.find((s) => s.value === query.sort)!;
  return descending ? sort.descending : sort.ascending;
}
