import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import type { World } from '../../../src/lib/ecs';
import { matchingIds } from '../helpers/matching-ids';
import { openTestDatabase } from '../helpers/test-database';

/**
 * Field terms compiled to SQL on real PGlite, over a library seeded row by row so that every
 * expected answer can be read off the table below. Ids are 1–7 in seeding order.
 */
const MB = 1024 ** 2;
const LIBRARY = [
  // name, mime, size, added (SQL), width, height, taken, duration (audio | video)
  {
    name: 'beach.JPG',
    mime: 'image/jpeg',
    size: 2 * MB,
    added: `now() - interval '2 days'`,
    dims: [4000, 3000],
    taken: '2023-05-10T12:00:00Z',
  },
  {
    name: 'night.png',
    mime: 'image/png',
    size: 500 * 1024,
    added: `now() - interval '10 days'`,
    dims: [1920, 1080],
    taken: '2023-08-31T23:00:00Z',
  },
  { name: 'song.mp3', mime: 'audio/mpeg', size: 5 * MB, added: `now() - interval '40 days'`, audioSeconds: 200 },
  { name: 'clip.mp4', mime: 'video/mp4', size: 50 * MB, added: `now() - interval '400 days'`, dims: [1280, 720], videoSeconds: 25 },
  { name: 'doc.pdf', mime: 'application/pdf', size: 100 * 1024, added: `now() - interval '1 hour'` },
  { name: 'notes', mime: null, size: 10, added: `now() - interval '3 days'` },
  { name: 'icon.svg', mime: 'image/svg+xml', size: 2000, added: `'2020-06-01T00:00:00Z'` },
] as const;

const HASHES: readonly [string, number, string][] = [
  ['sha256', 1, 'aa'.repeat(32)],
  ['md5', 1, '11'.repeat(16)],
  ['crc32', 2, 'deadbeef'],
  ['blake3', 4, 'bb'.repeat(32)],
  ['sha1', 6, 'cc'.repeat(20)],
];

describe('field terms in search queries', () => {
  let world: World;

  const ids = (search: string) => matchingIds(world.db, search);

  beforeAll(async () => {
    world = await createDamWorld({ name: 'fields', databaseUrl: 'memory://' }, await openTestDatabase());
    for (const [i, f] of LIBRARY.entries()) {
      const id = i + 1;
      await world.db.exec(`INSERT INTO entities (id, created_at) VALUES (${id}, ${f.added})`);
      await world.db.query(
        'INSERT INTO component_file_properties (entity_id, original_filename, mime_type, file_size_bytes) VALUES ($1, $2, $3, $4)',
        [id, f.name, f.mime, f.size],
      );
      if ('dims' in f) {
        await world.db.query('INSERT INTO component_image_dimensions (entity_id, width_pixels, height_pixels) VALUES ($1, $2, $3)', [
          id,
          ...f.dims,
        ]);
      }
      if ('taken' in f) {
        await world.db.query(`INSERT INTO component_exif_metadata (entity_id, taken_at, metadata) VALUES ($1, $2, '{}')`, [id, f.taken]);
      }
      if ('audioSeconds' in f) {
        await world.db.query('INSERT INTO component_audio_properties (entity_id, duration_seconds) VALUES ($1, $2)', [id, f.audioSeconds]);
      }
      if ('videoSeconds' in f) {
        await world.db.query('INSERT INTO component_frame_properties (entity_id, duration_seconds) VALUES ($1, $2)', [id, f.videoSeconds]);
      }
    }
    await world.db.exec(`SELECT setval('entities_id_seq', ${LIBRARY.length})`);
    // Perceptual hashes: 1 and 2 three bits apart on pHash, 1 and 4 one bit apart on aHash, 7 far from all.
    for (const [algorithm, id, value] of [
      ['phash', 1, 0x0f],
      ['phash', 2, 0x0f ^ 0b111],
      ['phash', 7, 0x7fff0000],
      ['ahash', 1, 100],
      ['ahash', 4, 101],
    ] as const) {
      await world.db.query(`INSERT INTO component_image_perceptual_${algorithm} (entity_id, hash_value) VALUES ($1, $2)`, [id, value]);
    }
    // Text vectors: the PDF (5) and the notes (6) nearly the same text, the SVG (7) another; 1 has only a name vector.
    const vector = (angle: number) =>
      `[${Array.from({ length: 384 }, (_, d) => (d === 0 ? Math.cos(angle) : d === 1 ? Math.sin(angle) : 0)).join(',')}]`;
    for (const [id, component, field, angle] of [
      [5, 'DocumentPropertiesComponent', 'text', 0],
      [6, 'TextContentComponent', 'text_with_tags', 0.3],
      [7, 'TextContentComponent', 'text', 1.2],
      [1, 'FilePropertiesComponent', 'original_filename', 0],
    ] as const) {
      await world.db.query(
        `INSERT INTO component_embedding_minilm_l6_v2_d384 (entity_id, embedding_vector, source_component_name, source_field_name) VALUES ($1, $2, $3, $4)`,
        [id, vector(angle), component, field],
      );
    }
    for (const [algorithm, id, hex] of HASHES) {
      await world.db.query(`INSERT INTO component_content_hash_${algorithm} (entity_id, hash_value) VALUES ($1, decode($2, 'hex'))`, [
        id,
        hex,
      ]);
    }
  }, 60_000);
  afterAll(() => world.close());

  it('matches types, media types and extensions', async () => {
    expect(await ids('type:image')).toEqual([1, 2]);
    expect(await ids('type:audio')).toEqual([3]);
    expect(await ids('type:video')).toEqual([4]);
    expect(await ids('type:pdf')).toEqual([5]);
    expect(await ids('type:other')).toEqual([6, 7]);
    expect(await ids('mime:image/*')).toEqual([1, 2, 7]);
    expect(await ids('mime:IMAGE/PNG')).toEqual([2]);
    expect(await ids('ext:jpg')).toEqual([1]);
    expect(await ids('ext:.png')).toEqual([2]);
  });

  it('compares sizes, dimensions and durations in their units', async () => {
    expect(await ids('size>1MB')).toEqual([1, 3, 4]);
    expect(await ids('size<=500KB')).toEqual([2, 5, 6, 7]);
    expect(await ids('size:1MB..10MB')).toEqual([1, 3]);
    expect(await ids('size:>=2mb')).toEqual([1, 3, 4]);
    expect(await ids('width>=1920')).toEqual([1, 2]);
    expect(await ids('height<1080')).toEqual([4]);
    expect(await ids('duration<30s')).toEqual([4]);
    expect(await ids('duration>1min')).toEqual([3]);
    expect(await ids('duration:20s..3min')).toEqual([4]);
  });

  it('reads dates as whole periods in UTC, and ages from now', async () => {
    expect(await ids('taken:2023-05')).toEqual([1]);
    expect(await ids('taken:2023-05..2023-08')).toEqual([1, 2]);
    expect(await ids('taken>2023-05')).toEqual([2]);
    expect(await ids('taken<2023-06')).toEqual([1]);
    expect(await ids('taken<=2023-08-31')).toEqual([1, 2]);
    expect(await ids('taken:2024')).toEqual([]);
    expect(await ids('added<7d')).toEqual([1, 5, 6]);
    expect(await ids('added:<1w')).toEqual([1, 5, 6]);
    expect(await ids('added>30d')).toEqual([3, 4, 7]);
    expect(await ids('added>1y')).toEqual([4, 7]);
    expect(await ids('added:2020')).toEqual([7]);
  });

  it('finds content hashes in every stored algorithm', async () => {
    expect(await ids(`hash:${'AA'.repeat(32)}`)).toEqual([1]);
    expect(await ids(`hash:${'11'.repeat(16)}`)).toEqual([1]);
    expect(await ids('hash:deadbeef')).toEqual([2]);
    expect(await ids(`hash:${'bb'.repeat(32)}`)).toEqual([4]);
    expect(await ids(`hash:${'cc'.repeat(20)}`)).toEqual([6]);
    expect(await ids(`hash:${'ff'.repeat(32)}`)).toEqual([]);
  });

  it('finds images whose perceptual hashes are near, itself left out', async () => {
    expect(await ids('similar:1')).toEqual([2, 4]);
    expect(await ids('similar:2')).toEqual([1]);
    expect(await ids('similar:7')).toEqual([]);
    expect(await ids('similar:99')).toEqual([]);
    expect(await ids('type:image -similar:1')).toEqual([1]);
  });

  it('finds documents whose text vectors are near (cos 0.3 rad ≈ 0.96), not by their names', async () => {
    expect(await ids('similar:5')).toEqual([6]);
    expect(await ids('similar:6')).toEqual([5]);
    expect(await ids('similar:7')).toEqual([]);
  });

  it('combines field terms with AND, OR, NOT and words', async () => {
    expect(await ids('type:image width>=1920 -ext:png')).toEqual([1]);
    expect(await ids('(type:audio OR type:video) duration<1min')).toEqual([4]);
    expect(await ids('NOT type:image size<1MB')).toEqual([5, 6, 7]);
    expect(await ids('(doc OR notes) added<7d')).toEqual([5, 6]);
    expect(await ids('(doc OR notes) -added<7d')).toEqual([]);
  });
});
