import { describe, expect, it } from 'vitest';
import { readSearchLink, searchLinkQuery } from '../../../src/lib/ui/search/search-link';

const read = (query: string) => readSearchLink(new URLSearchParams(query));

describe('search links', () => {
  it('round-trips every part of a search, and leaves defaults out', () => {
    const link = {
      query: 'tag:cat size>1MB',
      mode: 'name',
      minPercent: 45,
      pictureMinPercent: 22,
      sort: 'size',
      order: 'asc',
      page: 3,
    } as const;
    const query = searchLinkQuery(link);
    expect(query).toBe('q=tag%3Acat+size%3E1MB&mode=name&min=45&pmin=22&sort=size&order=asc&page=3');
    expect(read(query)).toEqual({ ...link, problems: [] });
    expect(
      searchLinkQuery({ query: 'x', mode: 'meaning', minPercent: 30, pictureMinPercent: null, sort: 'added', order: null, page: 1 }),
    ).toBe('q=x');
  });

  it('turns hostile and malformed links into a safe search with a note, never a throw', () => {
    const long = read(`q=${'a'.repeat(100_000)}`);
    expect(long.query).toBe('');
    expect(long.problems).toEqual([
      "This link's search is 100,000 characters long, more than the 1000 a search may have, so nothing was searched.",
    ]);

    const unknown = read('q=cat&%3Cscript%3Ealert(1)%3C%2Fscript%3E=1&utm_source=x');
    expect(unknown.query).toBe('cat');
    expect(unknown.problems).toEqual([
      'This link has parts the search does not use, which were ignored: ?script?alert?1???script…, utm_source.',
    ]);

    const bad = read(`q=${encodeURIComponent("' OR 1=1 --")}&sort=DROP&order=sideways&page=-4&min=300&mode=sql&pmin=0.5`);
    expect(bad).toMatchObject({
      query: "' OR 1=1 --",
      mode: 'meaning',
      minPercent: 30,
      pictureMinPercent: null,
      sort: 'added',
      order: null,
      page: 1,
    });
    expect(bad.problems).toHaveLength(5);
  });
});
