import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestFile, digestFiles } from '../../../src/lib/dam/services/ingest-service';
import { toHex } from '../../../src/lib/dam/services/hash-service';
import { fixtureBlob } from './media/fixtures';

/** A file-backed Blob whose file is deleted before it is read, as a dropped file removed from the disk meanwhile. */
async function vanishedFile(): Promise<Blob> {
  const dir = await mkdtemp(join(tmpdir(), 'dam-vanish-'));
  const path = join(dir, 'gone.txt');
  await writeFile(path, 'never read');
  const blob = await openAsBlob(path);
  await rm(dir, { recursive: true });
  return blob;
}

describe('digestFiles', () => {
  it('gives each file of a group read as one Blob the digest it gets alone, images at any offset included', async () => {
    const big = new Uint8Array(5 * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
    const files = [
      { name: 'notes.txt', blob: new Blob(['some notes']) },
      { name: 'photo.jpg', blob: await fixtureBlob('photo.jpg') },
      { name: 'other.png', blob: await fixtureBlob('other.png') },
      // Over the group limit: read alone, between two groups.
      { name: 'big.bin', blob: new Blob([big]) },
      { name: 'tone.wav', blob: await fixtureBlob('tone.wav') },
      { name: 'rotated.jpg', blob: await fixtureBlob('rotated-offset.jpg') },
    ];
    const grouped = await digestFiles(files);
    expect(grouped.map((r) => r.status)).toEqual(files.map(() => 'fulfilled'));
    for (const [i, { blob, name }] of files.entries()) {
      const alone = await digestFile(blob, name);
      const result = grouped[i] as PromiseFulfilledResult<Awaited<ReturnType<typeof digestFile>>>;
      expect(result.value.mimeType, name).toBe(alone.mimeType);
      expect(toHex(result.value.hashes.sha256), name).toBe(toHex(alone.hashes.sha256));
      expect(toHex(result.value.hashes.blake3), name).toBe(toHex(alone.hashes.blake3));
      expect(result.value.hashes.sizeBytes, name).toBe(blob.size);
      expect(result.value.image, name).toEqual(alone.image);
    }
    // The photos' facts were read from their own bytes, not from the start of the group.
    const photo = (grouped[1] as PromiseFulfilledResult<Awaited<ReturnType<typeof digestFile>>>).value;
    expect(photo.image?.dimensions).toEqual({ width: 640, height: 427 });
    expect(photo.image?.exif?.cameraMake).toBe('DAMCam');
  });

  it('reads a group file by file when it cannot be read whole, so only the unreadable file fails', async () => {
    const files = [
      { name: 'a.txt', blob: new Blob(['first']) },
      { name: 'gone.txt', blob: await vanishedFile() },
      { name: 'b.txt', blob: new Blob(['second']) },
    ];
    const results = await digestFiles(files);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const second = results[2] as PromiseFulfilledResult<Awaited<ReturnType<typeof digestFile>>>;
    expect(toHex(second.value.hashes.sha256)).toBe(toHex((await digestFile(files[2]!.blob, 'b.txt')).hashes.sha256));
  });
});
