import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mp4FirstKeyframe } from '../../../src/lib/platform/mp4-first-frame';
import { mp4Keyframes, spreadPicks, type Mp4Keyframes } from '../../../src/lib/platform/mp4-keyframes';

const MEDIA = join(import.meta.dirname, '../../fixtures/media');
const LAYOUTS = ['clip-keyframes.mp4', 'clip-keyframes-moov-last.mp4', 'clip-keyframes-fragmented.mp4'] as const;

interface ClipFacts {
  width: number;
  height: number;
  durationSeconds: number;
  keyframeTimes: number[];
}

async function facts(name: string): Promise<ClipFacts> {
  return (JSON.parse(await readFile(join(MEDIA, 'expected.json'), 'utf8')) as Record<string, ClipFacts>)[name]!;
}

async function fixture(name: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(join(MEDIA, name)));
}

/** A Blob that counts the bytes read through its slices. */
class CountingBlob extends Blob {
  bytesRead = 0;
  override slice(start?: number, end?: number, contentType?: string): Blob {
    const part = super.slice(start, end, contentType);
    this.bytesRead += part.size;
    return part;
  }
}

/** The H.264 NAL unit types of a sample (length-prefixed NALs, as avcC says). */
function nalTypes(found: Mp4Keyframes, data: Uint8Array): number[] {
  const lengthSize = (found.description![4]! & 3) + 1;
  const types: number[] = [];
  for (let at = 0; at + lengthSize <= data.length;) {
    let length = 0;
    for (let i = 0; i < lengthSize; i++) length = length * 256 + data[at + i]!;
    types.push(data[at + lengthSize]! & 0x1f);
    at += lengthSize + length;
  }
  return types;
}

const seconds = (found: Mp4Keyframes) => found.keyframes.map((k) => k.timestamp / 1e6);

describe('mp4Keyframes', () => {
  it('picks keyframes spread over the clip, the first one first, each an IDR picture', async () => {
    const clip = await facts('clip-keyframes.mp4');
    expect(clip.keyframeTimes).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    const found = (await mp4Keyframes(new Blob([await fixture('clip-keyframes.mp4')]), 4))!;
    expect(found).toMatchObject({ codedWidth: clip.width, codedHeight: clip.height });
    expect(found.codec).toMatch(/^avc1\./);
    expect(found.description!.length).toBeGreaterThan(7);

    const times = seconds(found);
    expect(times).toHaveLength(4);
    expect(times[0]).toBeCloseTo(0, 6);
    for (const t of times) expect(clip.keyframeTimes).toContain(t);
    expect(new Set(times).size).toBe(4);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Spread: the picks reach into the last third of the clip.
    expect(times[3]).toBeGreaterThanOrEqual((clip.durationSeconds * 2) / 3);
    for (const keyframe of found.keyframes) {
      expect(keyframe.data.length).toBeGreaterThan(100);
      expect(keyframe.duration).toBe(100_000);
      expect(nalTypes(found, keyframe.data)).toContain(5);
    }

    // Three picks of 3 s start at 0, 1 and 2 s exactly.
    expect(seconds((await mp4Keyframes(new Blob([await fixture('clip-keyframes.mp4')]), 3))!)).toEqual([0, 1, 2]);
  });

  it('gives every keyframe when fewer than asked, and the same ones whether the moov is first, last or fragmented', async () => {
    const clip = await facts('clip-keyframes.mp4');
    const [first, ...others] = await Promise.all(LAYOUTS.map(async (name) => (await mp4Keyframes(new Blob([await fixture(name)]), 50))!));
    expect(seconds(first!)).toEqual(clip.keyframeTimes);
    for (const other of others) {
      expect(seconds(other)).toEqual(clip.keyframeTimes);
      expect(other.keyframes.map((k) => k.data)).toEqual(first!.keyframes.map((k) => k.data));
      expect(other.description).toEqual(first!.description);
      expect(other.codec).toBe(first!.codec);
    }
  });

  it('ignores bytes after the last box that make no box', async () => {
    const junk = new Uint8Array([0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const name of LAYOUTS) {
      const found = (await mp4Keyframes(new Blob([await fixture(name), junk]), 50))!;
      expect(found.keyframes, name).toHaveLength(6);
    }
  });

  it('agrees with mp4FirstKeyframe on the first keyframe, and finds the single one of clip.mp4', async () => {
    for (const name of ['clip.mp4', 'clip-fragmented.mp4', ...LAYOUTS]) {
      const bytes = new Blob([await fixture(name)]);
      const all = (await mp4Keyframes(bytes, 4))!;
      const first = (await mp4FirstKeyframe(bytes))!;
      expect(all.keyframes[0]!.data, name).toEqual(first.data);
      if (name.startsWith('clip.') || name === 'clip-fragmented.mp4') expect(all.keyframes, name).toHaveLength(1);
    }
  });

  it('reads the boxes that describe samples and the chosen samples, not the media data in between', async () => {
    const padding = new Uint8Array(8 << 20);
    new DataView(padding.buffer).setUint32(0, padding.length);
    padding.set([0x66, 0x72, 0x65, 0x65], 4); // A trailing 8 MB 'free' box.
    for (const name of LAYOUTS) {
      const bytes = new CountingBlob([await fixture(name), padding]);
      const found = (await mp4Keyframes(bytes, 2))!;
      expect(seconds(found), name).toEqual([0, 1.5]);
      expect(bytes.bytesRead, name).toBeLessThan(64 * 1024);
    }
  });

  it('returns null for what is not an MP4 / MOV video, and says a truncated file is truncated', async () => {
    expect(await mp4Keyframes(new Blob([await fixture('clip.webm')]), 4)).toBeNull();
    expect(await mp4Keyframes(new Blob([await fixture('photo.jpg')]), 4)).toBeNull();
    // An ISO file with no moov (a HEIF picture's layout): nothing to decode, nothing broken.
    const heifLike = new Uint8Array([0, 0, 0, 16, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0, 0, 0, 0]);
    expect(await mp4Keyframes(new Blob([heifLike, new Uint8Array([0, 0, 0, 8, 0x6d, 0x64, 0x61, 0x74])]), 4)).toBeNull();

    for (const name of LAYOUTS) {
      const whole = await fixture(name);
      for (const fraction of [0.05, 0.6, 0.95]) {
        const cut = new Blob([whole.subarray(0, Math.floor(whole.length * fraction))]);
        await expect(mp4Keyframes(cut, 4), `${name} cut at ${fraction}`).rejects.toThrow(/truncated/);
      }
    }
  });
});

describe('spreadPicks', () => {
  it('takes the keyframe nearest the start of each equal part, the first always, none twice', () => {
    const everySecond = Array.from({ length: 100 }, (_, i) => i);
    expect(spreadPicks(everySecond, 100, 4)).toEqual([0, 25, 50, 75]);
    expect(spreadPicks([0, 1, 2], 3, 5)).toEqual([0, 1, 2]);
    expect(spreadPicks([0, 1, 2], 3, 0)).toEqual([]);
    // Keyframes bunched at the start: later parts fall back to the next unused ones.
    expect(spreadPicks([0, 0.1, 0.2, 0.3, 9], 10, 3)).toEqual([0, 3, 4]);
    // A first keyframe later than zero still comes first.
    expect(spreadPicks([2, 4, 6, 8], 10, 2)).toEqual([0, 2]);
  });
});
