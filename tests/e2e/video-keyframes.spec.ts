import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { bundleProbe } from './probes/bundle-probe';
import { runInWorker } from './probes/run-in-worker';
import type { DecodedClip, VideoKeyframesProbe, VideoKeyframesRequest } from './probes/video-keyframes-probe';

const MEDIA = join(import.meta.dirname, '../fixtures/media');
const fixture = (name: string) => new Uint8Array(readFileSync(join(MEDIA, name)));

test('a video gives keyframes spread over its length, scaled, each its own picture, in a worker', async ({ page }) => {
  // Any page of the app's origin: WebCodecs needs a secure context (localhost is one).
  await page.goto('/manifest.webmanifest');
  const script = await bundleProbe('video-keyframes-probe.ts', ['pdfjs-dist', 'pdfjs-dist/*']);
  const run = async (request: VideoKeyframesRequest) => {
    const outcome = await runInWorker<VideoKeyframesRequest, VideoKeyframesProbe>(page, script, request);
    expect(outcome.error).toBeUndefined();
    expect(outcome.result!.webCodecs).toBe(true);
    return outcome.result!.clips;
  };
  const decoded = (clip: DecodedClip | { error: string } | undefined): DecodedClip => {
    expect(clip && 'error' in clip ? clip.error : undefined).toBeUndefined();
    return clip as DecodedClip;
  };

  const whole = fixture('clip-keyframes.mp4');
  const clips = await run({
    maxSide: 32,
    count: 4,
    clips: {
      'clip-keyframes.mp4': whole,
      'clip-keyframes-moov-last.mp4': fixture('clip-keyframes-moov-last.mp4'),
      'clip-keyframes-fragmented.mp4': fixture('clip-keyframes-fragmented.mp4'),
      'clip.mp4': fixture('clip.mp4'),
      'clip.webm': fixture('clip.webm'),
      truncated: whole.subarray(0, Math.floor(whole.length * 0.6)),
    },
  });

  // Six keyframes every 0.5 s: four picked across the 3 s, 64×48 scaled to fit 32.
  const spread = decoded(clips['clip-keyframes.mp4']);
  expect(spread.times).toEqual([0, 0.5, 1.5, 2]);
  expect(spread.sizes).toEqual(new Array(4).fill({ width: 32, height: 24, bytes: 32 * 24 * 4 }));
  // The clip's colours turn with time: every two keyframes differ clearly.
  for (const [i, row] of spread.differences.entries())
    for (const [j, d] of row.entries()) if (i !== j) expect(d, `frames ${i} and ${j}`).toBeGreaterThan(10);
  // The first keyframe is the poster.
  expect(spread.differenceFromPoster).toBe(0);
  test.info().annotations.push({ type: 'decode 4 keyframes', description: `${spread.milliseconds.toFixed(1)} ms` });

  // The moov last or the samples in fragments: the same frames.
  for (const name of ['clip-keyframes-moov-last.mp4', 'clip-keyframes-fragmented.mp4']) {
    const same = decoded(clips[name]);
    expect(same.times, name).toEqual(spread.times);
    expect(same.differencesFromFirstClip, name).toEqual([0, 0, 0, 0]);
  }
  // One keyframe in clip.mp4; WebM is not demuxed (no frames, no error); a cut file is an error.
  expect(decoded(clips['clip.mp4']).sizes).toEqual([{ width: 32, height: 24, bytes: 32 * 24 * 4 }]);
  expect(decoded(clips['clip.webm']).times).toEqual([]);
  expect(clips.truncated).toEqual({ error: expect.stringMatching(/^ImageDecodeError: The video could not be read/) });

  // Never scaled up, and every keyframe when fewer than asked.
  const all = decoded((await run({ maxSide: 256, count: 50, clips: { 'clip-keyframes.mp4': whole } }))['clip-keyframes.mp4']);
  expect(all.times).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
  expect(all.sizes).toEqual(new Array(6).fill({ width: 64, height: 48, bytes: 64 * 48 * 4 }));
});
