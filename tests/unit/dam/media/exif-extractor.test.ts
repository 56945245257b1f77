import { describe, expect, it } from 'vitest';
import { extractExif } from '../../../../src/lib/dam/media/exif-extractor';
import { readImageDimensions } from '../../../../src/lib/dam/media/image-header';
import { expected, fixtureBytes } from './fixtures';

describe('extractExif', () => {
  it('reads camera, capture time, GPS, orientation and the IFD1 thumbnail of photo.jpg', async () => {
    const facts = (await expected())['photo.jpg'];
    const exif = await extractExif(await fixtureBytes('photo.jpg'));
    expect(exif).not.toBeNull();
    if (!exif) return;
    expect(exif.cameraMake).toBe('DAMCam');
    expect(exif.cameraModel).toBe('Fixture One');
    // DateTimeOriginal 2023:05:17 14:32:10 with no OffsetTimeOriginal is read as UTC.
    expect(exif.takenAt?.toISOString()).toBe(facts.takenAtUtc);
    expect(exif.gpsLatitude).toBeCloseTo(48.8584, 4);
    expect(Math.abs((exif.gpsLatitude ?? 0) - 48.8584)).toBeLessThan(1e-4);
    expect(Math.abs((exif.gpsLongitude ?? 0) - 2.2945)).toBeLessThan(1e-4);
    expect(exif.orientation).toBe(1);

    const thumb = exif.embeddedThumbnail;
    expect(thumb).toBeInstanceOf(Uint8Array);
    expect(thumb?.[0]).toBe(0xff);
    expect(thumb?.[1]).toBe(0xd8);
    expect(readImageDimensions(thumb ?? new Uint8Array())).toEqual({ width: 160, height: 107 });
  });

  it('keeps the blocks as JSON-safe metadata (raw EXIF dates, IPTC keywords, XMP title)', async () => {
    const exif = await extractExif(await fixtureBytes('photo.jpg'));
    const metadata = exif?.metadata ?? {};
    expect(JSON.parse(JSON.stringify(metadata))).toEqual(metadata);
    expect(metadata).toMatchObject({
      ifd0: { Make: 'DAMCam', Model: 'Fixture One', Orientation: 1 },
      exif: { DateTimeOriginal: '2023:05:17 14:32:10', ExifVersion: '0232' },
      gps: { GPSLatitudeRef: 'N', GPSLongitudeRef: 'E' },
      iptc: { Keywords: ['fixture', 'landscape'] },
      dc: { title: { value: 'Fixture Photo' } },
    });
    const json = JSON.stringify(metadata);
    expect(json).not.toContain('MakerNote');
    expect(json.length).toBeLessThan(4_000);
  });

  it('applies OffsetTimeOriginal and SubSecTimeOriginal when the file gives them', async () => {
    const exif = await extractExif(await fixtureBytes('rotated-offset.jpg'));
    // 2023:05:17 14:32:10 + .25 s at +02:00.
    expect(exif?.takenAt?.toISOString()).toBe('2023-05-17T12:32:10.250Z');
    expect(exif?.orientation).toBe(6);
    expect(exif?.cameraMake).toBeNull();
    expect(exif?.gpsLatitude).toBeNull();
    expect(exif?.embeddedThumbnail).toBeNull();
  });

  it('does not throw on a truncated JPEG', async () => {
    const result = await extractExif(await fixtureBytes('truncated.jpg'));
    // The metadata sits at the start of the file, so it may still be read; only no exception matters.
    if (result) expect(result.cameraMake).toBe('DAMCam');
  });

  it('gives null for pictures without metadata and for bytes that are not pictures', async () => {
    expect(await extractExif(await fixtureBytes('photo-resized.jpg'))).toBeNull();
    expect(await extractExif(await fixtureBytes('other.png'))).toBeNull();
    expect(await extractExif(await fixtureBytes('tone.wav'))).toBeNull();
    expect(await extractExif(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0x00]))).toBeNull();
    expect(await extractExif(new Uint8Array())).toBeNull();
  });
});
