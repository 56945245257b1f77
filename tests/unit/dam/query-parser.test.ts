import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printQuery, QuerySyntaxError, type QueryNode } from '../../../src/lib/dam/query/query-ast';
import { MAX_QUERY_LENGTH, parseQuery } from '../../../src/lib/dam/query/query-parser';

const text = (t: string): QueryNode => ({ kind: 'text', text: t });
const tag = (name: string, value: string | null = null): QueryNode => ({ kind: 'tag', name, value });

/** The error a bad query throws, as [message start, position]. */
function failure(query: string): [string, number] {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return [error.message.replace(/ \(at character \d+\)$/, ''), error.position];
    throw error;
  }
  throw new Error(`"${query}" parsed`);
}

describe('parseQuery', () => {
  it('reads every term kind', () => {
    expect(parseQuery('beach')).toEqual(text('beach'));
    expect(parseQuery('"summer holiday"')).toEqual(text('summer holiday'));
    expect(parseQuery('tag:Cat')).toEqual(tag('cat'));
    expect(parseQuery('tag:character:"Alice Liddell"')).toEqual(tag('character:alice liddell'));
    expect(parseQuery('character:alice')).toEqual(tag('character:alice'));
    expect(parseQuery('tag:rating=5')).toEqual(tag('rating', '5'));
    expect(parseQuery('tag:status="to do"')).toEqual(tag('status', 'to do'));
    expect(parseQuery('-tag:cat')).toEqual({ kind: 'not', operand: tag('cat') });
    expect(parseQuery('character:*')).toEqual({ kind: 'namespace', namespace: 'character' });
    expect(parseQuery('tag:character:*')).toEqual({ kind: 'namespace', namespace: 'character' });
    expect(parseQuery('model-tag:rating:neutral>0.5')).toEqual({ kind: 'model-tag', name: 'rating:neutral', op: '>', confidence: 0.5 });
    expect(parseQuery('model-tag:dog>=.25')).toEqual({ kind: 'model-tag', name: 'dog', op: '>=', confidence: 0.25 });
    expect(parseQuery('model-tag:dog')).toEqual({ kind: 'model-tag', name: 'dog', op: null, confidence: null });
    expect(parseQuery('well-known "a:b"')).toEqual({ kind: 'and', operands: [text('well-known'), text('a:b')] });
    expect(parseQuery('   ')).toBeNull();
  });

  it('binds NOT tighter than AND, and AND (written or not) tighter than OR', () => {
    expect(parseQuery('a b OR c')).toEqual({ kind: 'or', operands: [{ kind: 'and', operands: [text('a'), text('b')] }, text('c')] });
    expect(parseQuery('a AND b OR NOT c d')).toEqual({
      kind: 'or',
      operands: [
        { kind: 'and', operands: [text('a'), text('b')] },
        { kind: 'and', operands: [{ kind: 'not', operand: text('c') }, text('d')] },
      ],
    });
    expect(parseQuery('a (b OR c)')).toEqual({ kind: 'and', operands: [text('a'), { kind: 'or', operands: [text('b'), text('c')] }] });
    expect(parseQuery('-(tag:a OR tag:b)')).toEqual({ kind: 'not', operand: { kind: 'or', operands: [tag('a'), tag('b')] } });
    // Lower-case operators are words.
    expect(parseQuery('cats and dogs')).toEqual({ kind: 'and', operands: [text('cats'), text('and'), text('dogs')] });
  });

  it('says what is wrong and where', () => {
    expect(failure('tag:cat (dog')).toEqual(['This parenthesis is never closed', 8]);
    expect(failure('dog)')).toEqual(['This parenthesis closes nothing', 3]);
    expect(failure('"open quote')).toEqual(['This quote is never closed', 0]);
    expect(failure('cat OR')).toEqual(['Nothing after OR', 4]);
    expect(failure('cat AND')).toEqual(['Nothing after AND', 4]);
    expect(failure('NOT')).toEqual(['Nothing after NOT', 0]);
    expect(failure('OR cat')).toEqual(['OR needs a term before it', 0]);
    expect(failure('()')).toEqual(['Empty parentheses', 0]);
    expect(failure('a tag:')).toEqual(['Nothing after "tag:"', 5]);
    expect(failure('model-tag:cat>1.5')).toEqual(['"1.5" is not a confidence: write a number from 0 to 1, as in model-tag:cat>0.5', 14]);
    expect(failure('tag:x=')).toEqual(['Nothing after "=": write tag:name=value', 5]);
    expect(failure('x'.repeat(MAX_QUERY_LENGTH + 1))[0]).toMatch(/at most 1000/);
    expect(failure(`${'('.repeat(40)}a${')'.repeat(40)}`)[0]).toMatch(/nests more than 32/);
    expect(failure(Array.from({ length: 65 }, (_, i) => `w${i}`).join(' '))[0]).toMatch(/more than 64 terms/);
  });

  it('treats hostile text as plain words', () => {
    expect(parseQuery(`'; DROP TABLE entities; --`)).toEqual({
      kind: 'and',
      operands: [text(`';`), text('DROP'), text('TABLE'), text('entities;'), text('--')],
    });
    expect(parseQuery('<script>alert(1)</script>')).toEqual({
      kind: 'and',
      operands: [text('<script>alert'), text('1'), text('</script>')],
    });
  });

  it('gives back the same query when parsing what it printed', () => {
    const word = fc.stringMatching(/^[a-z0-9 _:"()=<>*\\-]{1,8}$/).filter((s) => s.trim() !== '');
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,5}( [a-z0-9]{1,4})?$/);
    const tagName = fc.oneof(
      name,
      fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), name).map(([ns, n]) => `${ns}:${n}`),
    );
    const leaf: fc.Arbitrary<QueryNode> = fc.oneof(
      word.map((t) => text(t)),
      fc.tuple(tagName, fc.option(fc.stringMatching(/^[a-z0-9]([a-z0-9 ]*[a-z0-9])?$/), { nil: null })).map(([n, v]) => tag(n, v)),
      fc.stringMatching(/^[a-z]{1,6}$/).map((namespace): QueryNode => ({ kind: 'namespace', namespace })),
      fc
        .tuple(tagName, fc.constantFrom('>' as const, '>=' as const, null), fc.integer({ min: 0, max: 100 }))
        .map(([n, op, c]): QueryNode => ({ kind: 'model-tag', name: n, op, confidence: op === null ? null : c / 100 })),
    );
    const query = fc.letrec<{ node: QueryNode }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        tie('node').map((operand): QueryNode => ({ kind: 'not', operand })),
        fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((operands): QueryNode => ({ kind: 'and', operands })),
        fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((operands): QueryNode => ({ kind: 'or', operands })),
      ),
    })).node;
    fc.assert(
      fc.property(query, (node) => {
        const printed = printQuery(node);
        expect(parseQuery(printed)).toEqual(node);
      }),
      { numRuns: 500 },
    );
  });
});
