import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  World,
  bigint64,
  boolean,
  bytea,
  componentFromInput,
  componentTableDdl,
  defineComponent,
  double,
  ecs,
  halfvec,
  integer,
  jsonb,
  text,
  timestamptz,
  vector,
  InvalidComponentFieldsError,
} from '../../../src/lib/ecs';
import { openTestDatabase } from '../helpers/test-database';

const EveryKindComponent = defineComponent({
  name: 'EveryKindComponent',
  table: 'component_every_kind',
  columns: {
    label: text('label'),
    count: integer('count'),
    hash: bigint64('hash'),
    ratio: double('ratio'),
    flag: boolean('flag'),
    seenAt: timestamptz('seen_at'),
    meta: jsonb<{ tags: string[] }>('meta'),
    raw: bytea('raw'),
    embedding: vector('embedding', 3),
    compact: halfvec('compact', 2),
    note: text('note').nullable(),
  },
});

let world: World;
beforeAll(async () => {
  world = new World({ name: 'columns', databaseUrl: 'memory://' }, await openTestDatabase());
  world.registerComponent(EveryKindComponent);
  world.addMigration({
    id: '1000_every_kind',
    sql: componentTableDdl(
      'component_every_kind',
      [
        'label text NOT NULL',
        'count integer NOT NULL',
        'hash bigint NOT NULL',
        'ratio double precision NOT NULL',
        'flag boolean NOT NULL',
        'seen_at timestamptz NOT NULL',
        'meta jsonb NOT NULL',
        'raw bytea NOT NULL',
        'embedding vector(3) NOT NULL',
        'compact halfvec(2) NOT NULL',
        'note text',
      ],
      { unique: false },
    ),
  });
  await world.start();
});
afterAll(() => world.close());

describe('columns', () => {
  it('round-trip every kind of value through PostgreSQL', async () => {
    const fields = {
      label: 'ünïcødé ✓',
      count: 42,
      hash: 0xfedcba9876543210n,
      ratio: 0.125,
      flag: true,
      seenAt: new Date('2024-02-29T12:34:56.789Z'),
      meta: { tags: ['a', 'b'] },
      raw: new Uint8Array([0, 255, 7]),
      embedding: Float32Array.from([0.5, -1, 2]),
      compact: Float32Array.from([0.25, 1.5]),
      note: null,
    };
    const stored = await world.transaction(async (tx) =>
      ecs.addComponent(tx, await ecs.createEntity(tx), EveryKindComponent.create(fields)),
    );
    const loaded = await ecs.getComponent(world.db, stored.entityId, EveryKindComponent);
    expect(loaded).toMatchObject(fields);
    // 64-bit values keep every bit (the high bit makes this negative as a signed bigint in SQL).
    expect(loaded!.hash).toBe(0xfedcba9876543210n);
  });

  it('check untrusted input against the column types', () => {
    const built = componentFromInput(EveryKindComponent, {
      label: 'x',
      count: 1,
      hash: 5n,
      ratio: 1,
      flag: false,
      seenAt: '2020-01-01T00:00:00Z',
      meta: {},
      raw: new Uint8Array(),
      embedding: [1, 2, 3],
      compact: [1, 2],
    });
    expect(built.fields.seenAt).toEqual(new Date('2020-01-01T00:00:00Z'));
    expect(built.fields.note).toBeNull();
    expect(() => componentFromInput(EveryKindComponent, { label: 'x', embedding: [1, 2] })).toThrow(InvalidComponentFieldsError);
    expect(() => componentFromInput(EveryKindComponent, { label: 'x', embedding: [1, 2] })).toThrow(/embedding must be 3 finite numbers/);
  });
});
