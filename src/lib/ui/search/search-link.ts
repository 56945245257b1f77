import type { AssetSort } from '../../api/dam-api';
import { MAX_QUERY_LENGTH } from '../../dam/query/query-parser';

/**
 * The search page's whole state, as its URL holds it: a link reproduces the search against the
 * opener's own library, and holds nothing but what the query says. Reading a link never throws:
 * anything malformed, hostile or unknown is dropped with a note the page shows, and what is left
 * is a safe (possibly empty) search.
 */
export interface SearchLink {
  readonly query: string;
  readonly mode: 'meaning' | 'name';
  /** Least similarity of a meaning search, in percent. */
  readonly minPercent: number;
  /** Least similarity a picture needs to match the words by the image model, in percent; null for the model's default. */
  readonly pictureMinPercent: number | null;
  readonly sort: AssetSort;
  /** Null: the sort's own default (newest, largest, A→Z). */
  readonly order: 'asc' | 'desc' | null;
  /** 1-based. */
  readonly page: number;
  /** What was dropped from the link, for the person to read. */
  readonly problems: readonly string[];
}

export const DEFAULT_MIN_PERCENT = 30;
export const SORT_LABELS: Readonly<Record<AssetSort, string>> = { added: 'Date added', taken: 'Date taken', name: 'Name', size: 'Size' };
const KNOWN = new Set(['q', 'mode', 'min', 'pmin', 'sort', 'order', 'page']);
const MAX_PAGE = 10_000;

/** A parameter's name as safe, short text for a message. */
function shown(text: string): string {
  const clean = text.replace(/[^\p{L}\p{N}_.-]/gu, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}

export function readSearchLink(params: URLSearchParams): SearchLink {
  const problems: string[] = [];
  const unknown = [...new Set([...params.keys()].filter((key) => !KNOWN.has(key)))];
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map(shown).join(', ');
    problems.push(`This link has parts the search does not use, which were ignored: ${names}${unknown.length > 5 ? ', …' : ''}.`);
  }
  let query = params.get('q') ?? '';
  if (query.length > MAX_QUERY_LENGTH) {
    problems.push(
      `This link's search is ${query.length.toLocaleString('en-US')} characters long, more than the ${MAX_QUERY_LENGTH} a search may have, so nothing was searched.`,
    );
    query = '';
  }
  const rawMode = params.get('mode');
  const mode = rawMode === 'name' ? 'name' : 'meaning';
  if (rawMode !== null && rawMode !== 'name' && rawMode !== 'meaning')
    problems.push('The link asked for an unknown kind of search; it searches by meaning.');
  const min = params.get('min');
  const minNumber = min === null || min.trim() === '' ? NaN : Number(min);
  const minPercent = Number.isInteger(minNumber) && minNumber >= 0 && minNumber <= 100 ? minNumber : DEFAULT_MIN_PERCENT;
  if (min !== null && minPercent !== minNumber)
    problems.push(`The least match must be a whole percentage from 0 to 100; it is ${DEFAULT_MIN_PERCENT}%.`);
  const pmin = params.get('pmin');
  const pminNumber = pmin === null || pmin.trim() === '' ? NaN : Number(pmin);
  const pictureMinPercent = Number.isInteger(pminNumber) && pminNumber >= 0 && pminNumber <= 100 ? pminNumber : null;
  if (pmin !== null && pictureMinPercent === null)
    problems.push("The least picture match must be a whole percentage from 0 to 100; the image model's default is used.");
  const rawSort = params.get('sort');
  const sort = rawSort !== null && rawSort in SORT_LABELS ? (rawSort as AssetSort) : 'added';
  if (rawSort !== null && sort !== rawSort) problems.push('The link asked for an unknown order; results are newest first.');
  const rawOrder = params.get('order');
  const order = rawOrder === 'asc' || rawOrder === 'desc' ? rawOrder : null;
  const rawPage = params.get('page');
  const pageNumber = rawPage === null ? 1 : Number(rawPage);
  const page = Number.isInteger(pageNumber) && pageNumber >= 1 && pageNumber <= MAX_PAGE ? pageNumber : 1;
  if (rawPage !== null && page !== pageNumber) problems.push('The link asked for a page that cannot exist; this is the first.');
  return { query, mode, minPercent, pictureMinPercent, sort, order, page, problems };
}

/** The query string of a search's URL (no `?`): only the parts that differ from the defaults. */
export function searchLinkQuery(link: Omit<SearchLink, 'problems'>): string {
  const params = new URLSearchParams({ q: link.query });
  if (link.mode === 'name') params.set('mode', 'name');
  if (link.minPercent !== DEFAULT_MIN_PERCENT) params.set('min', String(link.minPercent));
  if (link.pictureMinPercent !== null) params.set('pmin', String(link.pictureMinPercent));
  if (link.sort !== 'added') params.set('sort', link.sort);
  if (link.order) params.set('order', link.order);
  if (link.page > 1) params.set('page', String(link.page));
  return params.toString();
}
