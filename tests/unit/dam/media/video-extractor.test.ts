import { describe, expect, it } from 'vitest';
import { extractVideo } from '../../../../src/lib/dam/media/video-extractor';
import { fixtureBlob, fixtureBytes } from './fixtures';

describe('extractVideo', () => {
  it('reads a 160×120, 1 s, 10 fps H.264 MP4', async () => {
    const video = await extractVideo(await fixtureBlob('clip.mp4'), 'video/mp4');
    expect(video).toMatchObject({ width: 160, height: 120, frameRate: 10, frameCount: 10 });
    expect(video.durationSeconds).toBeCloseTo(1, 2);
    expect(video.codec).toMatch(/^avc1\./);
  });

  it('finds the movie header at the end of a large file without reading the middle', async () => {
    const bytes = moovLast(await fixtureBytes('clip.mp4'), 6 << 20);
    const blob = new RecordingBlob([bytes]);
    const video = await extractVideo(blob, null);
    expect(video).toMatchObject({ width: 160, height: 120, frameCount: 10, frameRate: 10 });
    expect(blob.bytesSliced).toBeLessThan(2 << 20);
  });

  it('adds up the fragments of a fragmented MP4 whose header gives no duration', async () => {
    const video = await extractVideo(await fixtureBlob('clip-fragmented.mp4', 'video/mp4'), null);
    expect(video).toMatchObject({ width: 160, height: 120, frameRate: 10, frameCount: 10 });
    expect(video.durationSeconds).toBeCloseTo(1, 2);
  });

  it('reads a WebM through music-metadata', async () => {
    const video = await extractVideo(await fixtureBlob('clip.webm'), 'video/webm');
    expect(video).toMatchObject({ width: 160, height: 120, codec: 'VP8' });
    expect(video.durationSeconds).toBeCloseTo(1, 2);
  });

  it('throws a clear error for bytes that are not video', async () => {
    await expect(extractVideo(await fixtureBlob('doc.pdf'), 'video/mp4')).rejects.toThrow(/^Not a readable video file: /);
    await expect(extractVideo(await fixtureBlob('tone.wav'), 'video/webm')).rejects.toThrow(/^Not a readable video file: /);
    const truncated = (await fixtureBytes('clip.mp4')).subarray(0, 200);
    await expect(extractVideo(new Blob([truncated]), 'video/mp4')).rejects.toThrow(/^Not a readable video file: /);
  });
});

/** A Blob that counts how many bytes were asked for through `slice`. */
class RecordingBlob extends Blob {
  bytesSliced = 0;
  override slice(start?: number, end?: number, contentType?: string): Blob {
    const part = super.slice(start, end, contentType);
    this.bytesSliced += part.size;
    return part;
  }
}

/**
 * The MP4 rewritten as an encoder without +faststart lays it out: ftyp, a `free` box of
 * `padding` bytes, mdat, and the movie header (moov) last. Sample offsets are not fixed up:
 * only the structure is read here.
 */
function moovLast(bytes: Uint8Array, padding: number): Uint8Array<ArrayBuffer> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: { type: string; data: Uint8Array }[] = [];
  for (let at = 0; at + 8 <= bytes.length;) {
    const size = view.getUint32(at);
    boxes.push({ type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), data: bytes.subarray(at, at + size) });
    at += size;
  }
  const free = new Uint8Array(padding);
  new DataView(free.buffer).setUint32(0, padding);
  free.set([0x66, 0x72, 0x65, 0x65], 4);
  const ordered = [
    ...boxes.filter((b) => b.type === 'ftyp').map((b) => b.data),
    free,
    ...boxes.filter((b) => b.type !== 'ftyp' && b.type !== 'moov').map((b) => b.data),
    ...boxes.filter((b) => b.type === 'moov').map((b) => b.data),
  ];
  expect(boxes.map((b) => b.type)).toContain('moov');
  const out = new Uint8Array(ordered.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of ordered) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
