import { describe, expect, it } from 'vitest';
import { queryChips } from '../../../src/lib/ui/search/query-chips';
import { completionNeed, querySuggestions } from '../../../src/lib/ui/search/query-suggestions';

describe('search chips', () => {
  it('gives one chip per top-level term, each removable into the rest of the query', () => {
    expect(queryChips('tag:cat (beach OR sea) -tag:dog size>10MB')).toEqual([
      { label: 'tag:cat', without: '(beach OR sea) NOT tag:dog size>10MB' },
      { label: 'beach OR sea', without: 'tag:cat NOT tag:dog size>10MB' },
      { label: 'NOT tag:dog', without: 'tag:cat (beach OR sea) size>10MB' },
      { label: 'size>10MB', without: 'tag:cat (beach OR sea) NOT tag:dog' },
    ]);
    expect(queryChips('"red car"')).toEqual([{ label: '"red car"', without: '' }]);
    expect(queryChips('a OR b')).toEqual([{ label: 'a OR b', without: '' }]);
  });

  it('has no chips for an empty or malformed query', () => {
    expect(queryChips('')).toEqual([]);
    expect(queryChips('tag:cat (')).toEqual([]);
  });
});

describe('search suggestions', () => {
  const tags = ['cat', 'character:alice', 'rating', 'new york'];

  it('completes a key or a tag from a bare word, keeping what came before', () => {
    expect(querySuggestions('beach si', tags)).toEqual(['beach size>', 'beach similar:']);
    expect(querySuggestions('c', tags)).toEqual(['tag:cat', 'tag:character:alice']);
    expect(querySuggestions('t', tags)).toEqual(['tag:', 'type:', 'taken:']);
    expect(querySuggestions('-ca', tags)).toEqual(['-tag:cat']);
  });

  it('completes tag names after a tag key, quoting names that need it', () => {
    expect(querySuggestions('x tag:ch', tags)).toEqual(['x tag:character:alice']);
    expect(querySuggestions('-tag:new', tags)).toEqual(['-tag:"new york"']);
    expect(querySuggestions('model-tag:ra', tags)).toEqual(['model-tag:rating']);
    expect(querySuggestions('(a OR tag:c', tags)).toEqual(['(a OR tag:cat', '(a OR tag:character:alice']);
  });

  it('completes a type value', () => {
    expect(querySuggestions('type:a', tags)).toEqual(['type:audio', 'type:archive']);
  });

  it('offers nothing inside quotes, after a value, or after a space', () => {
    expect(querySuggestions('"ca', tags)).toEqual([]);
    expect(querySuggestions('tag:rating=', tags)).toEqual([]);
    expect(querySuggestions('size>1', tags)).toEqual([]);
    expect(querySuggestions('cat ', tags)).toEqual([]);
    expect(completionNeed('tag:')).toEqual({ kind: 'tag', key: 'tag:', prefix: '' });
  });
});
