import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import type { World } from '../../../src/lib/ecs';
import { matchingIds } from '../helpers/matching-ids';
import { openTestDatabase } from '../helpers/test-database';

/** Assets whose words live in different places: the name, EXIF/XMP/IPTC, audio tags, a PDF, a text file. */
const SETUP = `
INSERT INTO entities (id) VALUES (1), (2), (3), (4), (5), (6), (7);
INSERT INTO component_file_properties (entity_id, original_filename, file_size_bytes, mime_type) VALUES
  (1, 'IMG_0123.jpg', 10, 'image/jpeg'),
  (2, 'DSC09876.JPG', 10, 'image/jpeg'),
  (3, 'track01.mp3', 10, 'audio/mpeg'),
  (4, 'report.pdf', 10, 'application/pdf'),
  (5, 'README.md', 10, 'text/markdown'),
  (6, 'Ñandú en Córdoba.png', 10, 'image/png'),
  (7, '#1 & #2.txt', 10, 'text/plain');
INSERT INTO component_exif_metadata (entity_id, camera_make, camera_model, metadata) VALUES
  (2, 'Canon', 'EOS R5', '{"ifd0": {"ImageDescription": "Sunset over the harbour"},
       "dc": {"title": {"lang": "x-default", "value": "Golden hour"}, "subject": ["boats", "Lisbon"]}}');
INSERT INTO component_audio_properties (entity_id, tags) VALUES
  (3, '{"title": "Blue in Green", "artist": "Miles Davis", "album": ["Kind of Blue"]}');
INSERT INTO component_document_properties (entity_id, page_count, title, text) VALUES
  (4, 3, 'Quarterly figures', 'Revenue grew in the third quarter thanks to bicycles.');
INSERT INTO component_text_content (entity_id, text, truncated) VALUES (5, 'How to build: run npm install first.', false);
`;

describe('words in search queries (full text)', () => {
  let world: World;

  const ids = (search: string) => matchingIds(world.db, search);

  beforeAll(async () => {
    world = await createDamWorld({ name: 'words', databaseUrl: 'memory://' }, await openTestDatabase());
    await world.db.exec(SETUP);
  });
  afterAll(() => world.close());

  it('matches each word as the start of a word of the name, split at anything not a letter or digit', async () => {
    expect(await ids('img')).toEqual([1]);
    expect(await ids('IMG_01')).toEqual([1]);
    expect(await ids('0123')).toEqual([1]);
    expect(await ids('jpg')).toEqual([1, 2]);
    expect(await ids('.jpg')).toEqual([1, 2]);
    expect(await ids('dsc0987')).toEqual([2]);
    // The middle of a word is not its start.
    expect(await ids('123')).toEqual([]);
  });

  it('finds words in EXIF, XMP and IPTC text, the camera, audio tags, a PDF and a text file', async () => {
    expect(await ids('harbour')).toEqual([2]);
    expect(await ids('golden hour')).toEqual([2]);
    expect(await ids('lisbon')).toEqual([2]);
    expect(await ids('canon eos')).toEqual([2]);
    expect(await ids('miles davis')).toEqual([3]);
    expect(await ids('kind blue')).toEqual([3]);
    expect(await ids('quarterly')).toEqual([4]);
    expect(await ids('bicycle')).toEqual([4]);
    expect(await ids('npm install')).toEqual([5]);
  });

  it('needs every word, and combines with OR, NOT and other terms', async () => {
    expect(await ids('sunset harbour')).toEqual([2]);
    expect(await ids('sunset bicycles')).toEqual([]);
    expect(await ids('sunset OR bicycles')).toEqual([2, 4]);
    expect(await ids('jpg -canon')).toEqual([1]);
    expect(await ids('blue type:audio')).toEqual([3]);
    expect(await ids('"golden hour" ext:jpg')).toEqual([2]);
  });

  it('works the same in any script and case', async () => {
    expect(await ids('ñandú')).toEqual([6]);
    expect(await ids('CÓRDOBA')).toEqual([6]);
  });

  it('matches text with no letter or digit inside names', async () => {
    expect(await ids('#')).toEqual([7]);
    expect(await ids('&')).toEqual([7]);
  });

  it('follows renames, new metadata and deletions', async () => {
    await world.db.exec(`UPDATE component_file_properties SET original_filename = 'holiday.jpg' WHERE entity_id = 1`);
    expect(await ids('img')).toEqual([]);
    expect(await ids('holiday')).toEqual([1]);
    await world.db.exec(`INSERT INTO component_exif_metadata (entity_id, metadata) VALUES (1, '{"iptc": {"Keywords": ["Alps"]}}')`);
    expect(await ids('alps')).toEqual([1]);
    await world.db.exec(`DELETE FROM component_exif_metadata WHERE entity_id = 1`);
    expect(await ids('alps')).toEqual([]);
    await world.db.exec(`DELETE FROM entities WHERE id = 2`);
    expect(await ids('harbour')).toEqual([]);
    const { rows } = await world.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dam_asset_text');
    expect(rows[0]!.n).toBe(6);
  });
});
