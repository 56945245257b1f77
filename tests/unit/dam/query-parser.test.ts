import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASSET_KINDS } from '../../../src/lib/api/dam-api';
import {
  printQuery,
  QuerySyntaxError,
  type AgeUnit,
  type Comparison,
  type DateField,
  type MeasureField,
  type QueryNode,
} from '../../../src/lib/dam/query/query-ast';
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

  it('reads field terms, with units, comparisons, periods, ages and ranges', () => {
    expect(parseQuery('type:Image')).toEqual({ kind: 'type', type: 'image' });
    expect(parseQuery('mime:image/*')).toEqual({ kind: 'mime', mime: 'image/*' });
    expect(parseQuery('ext:.JPG')).toEqual({ kind: 'ext', ext: 'jpg' });
    expect(parseQuery('size>10MB')).toEqual({ kind: 'measure', field: 'size', op: '>', amount: 10, unit: 'MB' });
    expect(parseQuery('size:>=1.5gib')).toEqual({ kind: 'measure', field: 'size', op: '>=', amount: 1.5, unit: 'GB' });
    expect(parseQuery('size:4096')).toEqual({ kind: 'measure', field: 'size', op: '=', amount: 4096, unit: 'B' });
    expect(parseQuery('width>=1920')).toEqual({ kind: 'measure', field: 'width', op: '>=', amount: 1920, unit: '' });
    expect(parseQuery('duration<30s')).toEqual({ kind: 'measure', field: 'duration', op: '<', amount: 30, unit: 's' });
    expect(parseQuery('duration<=2m')).toEqual({ kind: 'measure', field: 'duration', op: '<=', amount: 2, unit: 'min' });
    expect(parseQuery('taken:2023-05')).toEqual({ kind: 'date', field: 'taken', op: '=', date: '2023-05' });
    expect(parseQuery('taken:2023-05..2023-08')).toEqual({
      kind: 'and',
      operands: [
        { kind: 'date', field: 'taken', op: '>=', date: '2023-05' },
        { kind: 'date', field: 'taken', op: '<=', date: '2023-08' },
      ],
    });
    expect(parseQuery('taken:..2020')).toEqual({ kind: 'date', field: 'taken', op: '<=', date: '2020' });
    expect(parseQuery('added:<7d')).toEqual({ kind: 'age', field: 'added', op: '<', amount: 7, unit: 'd' });
    expect(parseQuery('added>2y')).toEqual({ kind: 'age', field: 'added', op: '>', amount: 2, unit: 'y' });
    expect(parseQuery('hash:DEADBEEF')).toEqual({ kind: 'hash', hex: 'deadbeef' });
    expect(parseQuery('similar:42')).toEqual({ kind: 'similar', entityId: 42 });
    // A tag in a namespace named like a field is written with `tag:`.
    expect(parseQuery('tag:type:photo')).toEqual(tag('type:photo'));
    expect(parseQuery('"size>10MB"')).toEqual(text('size>10MB'));
  });

  it('reads meaning terms and the least similarity, once and at the top', () => {
    expect(parseQuery('~"a red bicycle"')).toEqual({ kind: 'semantic', text: 'a red bicycle' });
    expect(parseQuery('~cat')).toEqual({ kind: 'semantic', text: 'cat' });
    expect(parseQuery('~"0.5"')).toEqual({ kind: 'semantic', text: '0.5' });
    expect(parseQuery('~cat ~0.3')).toEqual({
      kind: 'and',
      operands: [
        { kind: 'semantic', text: 'cat' },
        { kind: 'min-similarity', value: 0.3 },
      ],
    });
    expect(printQuery({ kind: 'semantic', text: '1' })).toBe('~"1"');
    expect(failure('~')).toEqual(['Nothing after "~": write ~"a red bicycle", or ~0.3 for the least similarity', 0]);
    expect(failure('a OR ~0.3')).toEqual(['~0.3 sets the least similarity for the whole search: put it outside OR and NOT', 5]);
    expect(failure('~cat ~0.3 ~0.4')).toEqual(['Give the least similarity (~0.3) once', 10]);
  });

  it('says what is wrong with a field term and where', () => {
    expect(failure('type:photo')).toEqual(['"photo" is not a type: use image, audio, video, pdf, archive, other', 5]);
    expect(failure('a type>image')).toEqual(['type cannot be compared with >: write type:image', 6]);
    expect(failure('size>10XB')).toEqual(['"xb" is not a unit of size: use B, KB, MB, GB or TB', 5]);
    expect(failure('size>')).toEqual(['Nothing after "size>"', 4]);
    expect(failure('size:..')).toEqual(['A range needs a value on at least one side of ".."', 5]);
    expect(failure('width>=19.5')).toEqual(['A width is a whole number of pixels', 7]);
    expect(failure('taken:2023-02-30')[0]).toMatch(/^"2023-02-30" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD/);
    expect(failure('taken:2023-05..2023-13')[1]).toBe(15);
    expect(failure('added=7d')).toEqual(['Write added<7d for the last 7d, or added>7d for longer ago', 6]);
    expect(failure('hash:xyz')[0]).toMatch(/^"xyz" is not a content hash: write 8 \(CRC32\), 32 \(MD5\)/);
    expect(failure('mime:image')[0]).toMatch(/^"image" is not a media type/);
    expect(failure('similar:cat')).toEqual(['"cat" is not an asset id: write similar:123', 8]);
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
    const comparison = fc.constantFrom<Comparison>('<', '<=', '>', '>=', '=');
    const fieldLeaves: fc.Arbitrary<QueryNode>[] = [
      fc.constantFrom(...ASSET_KINDS).map((type): QueryNode => ({ kind: 'type', type })),
      fc.stringMatching(/^[a-z]{1,6}\/([a-z0-9][a-z0-9.+-]{0,5}|\*)$/).map((mime): QueryNode => ({ kind: 'mime', mime })),
      fc.stringMatching(/^[a-z0-9_+-]{1,8}$/).map((ext): QueryNode => ({ kind: 'ext', ext })),
      fc
        .tuple(
          fc.constantFrom(
            ['size', ['B', 'KB', 'MB', 'GB', 'TB']],
            ['duration', ['ms', 's', 'min', 'h']],
            ['width', ['']],
            ['height', ['']],
          ),
          comparison,
          fc.integer({ min: 0, max: 100_000 }),
          fc.nat(),
        )
        .map(([[field, units], op, n, u]): QueryNode => {
          const whole = field === 'width' || field === 'height';
          return { kind: 'measure', field: field as MeasureField, op, amount: whole ? n : n / 10, unit: units[u % units.length]! };
        }),
      fc
        .tuple(fc.constantFrom<DateField>('taken', 'added'), comparison, fc.integer({ min: 1000, max: 9999 }), fc.nat(13), fc.nat(28))
        .map(([field, op, y, m, d]): QueryNode => {
          const month = m === 0 ? '' : `-${String(m > 12 ? 12 : m).padStart(2, '0')}`;
          const day = month === '' || d === 0 ? '' : `-${String(d).padStart(2, '0')}`;
          return { kind: 'date', field, op, date: `${y}${month}${day}` };
        }),
      fc
        .tuple(
          fc.constantFrom<DateField>('taken', 'added'),
          fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const),
          fc.integer({ min: 0, max: 999_999 }),
          fc.constantFrom<AgeUnit>('h', 'd', 'w', 'mo', 'y'),
        )
        .map(([field, op, amount, unit]): QueryNode => ({ kind: 'age', field, op, amount, unit })),
      fc
        .tuple(fc.constantFrom(8, 32, 40, 64), fc.stringMatching(/^[0-9a-f]{64}$/))
        .map(([length, hex]): QueryNode => ({ kind: 'hash', hex: hex.slice(0, length) })),
    ];
    const word = fc.stringMatching(/^[a-z0-9 _:"()=<>*~.\\-]{1,8}$/).filter((s) => s.trim() !== '');
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
      ...fieldLeaves,
      word.map((t): QueryNode => ({ kind: 'semantic', text: t })),
      fc.integer({ min: 1, max: 2 ** 40 }).map((entityId): QueryNode => ({ kind: 'similar', entityId })),
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
    const withFloor = fc
      .tuple(query, fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }))
      .map(([node, floor]): QueryNode =>
        floor === null ? node : { kind: 'and', operands: [node, { kind: 'min-similarity', value: floor / 100 }] },
      );
    fc.assert(
      fc.property(withFloor, (node) => {
        const printed = printQuery(node);
        expect(parseQuery(printed)).toEqual(node);
      }),
      { numRuns: 500 },
    );
  });
});
