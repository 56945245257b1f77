import { describe, expect, it } from 'vitest';
import { readImageDimensions } from '../../../../src/lib/dam/media/image-header';
import { fixtureBytes } from './fixtures';

describe('readImageDimensions', () => {
  it.each([
    ['photo.jpg', 640, 427],
    ['photo-resized.jpg', 320, 213],
    ['other.png', 300, 200],
    // JPEG bytes under a .png name: the header decides.
    ['not-really.png', 320, 213],
    // EXIF orientation 6 (a quarter turn): the size as shown.
    ['rotated-offset.jpg', 213, 320],
    // The SOF marker is in the first 40 % of the file.
    ['truncated.jpg', 640, 427],
  ])('%s is %i×%i', async (name, width, height) => {
    expect(readImageDimensions(await fixtureBytes(name))).toEqual({ width, height });
  });

  it('gives null for bytes that are not a picture', async () => {
    expect(readImageDimensions(await fixtureBytes('tone.wav'))).toBeNull();
    expect(readImageDimensions(await fixtureBytes('doc.pdf'))).toBeNull();
    expect(readImageDimensions(new Uint8Array())).toBeNull();
    expect(readImageDimensions(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
  });
});
