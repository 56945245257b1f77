import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { expected, fixtureBytes, MEDIA } from './fixtures';

describe('media fixtures (tests/fixtures/make-media-fixtures.sh)', () => {
  it('are the files expected.json describes, byte for byte', async () => {
    const files = (await expected()).files;
    expect(Object.keys(files).length).toBeGreaterThanOrEqual(13);
    for (const [name, facts] of Object.entries(files)) {
      const bytes = await readFile(join(MEDIA, name));
      expect({ name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ name, ...facts });
    }
  });

  it('bundle.zip holds its three members, photo.jpg unchanged', async () => {
    const members = unzipSync(await fixtureBytes('bundle.zip'));
    expect(Object.keys(members).sort()).toEqual([...(await expected())['bundle.zip'].members].sort());
    expect(new TextDecoder().decode(members['notes/readme.txt'])).toBe('hello from a zip\n');
    expect(members['images/photo.jpg']).toEqual(await fixtureBytes('photo.jpg'));
  });
});
