import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { AUDIO_FIXTURES, expectedSamples, FIXTURE_TONE, SLACK_SOURCE_SAMPLES, type AudioFileFacts } from './probes/audio-decode-measure';
import type { AudioDecodeProbe, AudioDecodeRequest } from './probes/audio-decode-probe';
import { bundleProbe } from './probes/bundle-probe';
import { runInWorker } from './probes/run-in-worker';

const AUDIO = join(import.meta.dirname, '../fixtures/audio');
const RATE = 16_000;
const fixture = (name: string) => new Uint8Array(readFileSync(join(AUDIO, name)));
const expected = (JSON.parse(readFileSync(join(AUDIO, 'expected.json'), 'utf8')) as { files: Record<string, AudioFileFacts> }).files;

test('every format decodes in a worker to mono at 16 kHz, as many samples as in Node, the tone kept', async ({ page }) => {
  // Any page of the app's origin: WebCodecs needs a secure context (localhost is one).
  await page.goto('/manifest.webmanifest');
  const script = await bundleProbe('audio-decode-probe.ts', ['@wasm-audio-decoders/opus-ml']);
  const run = async (request: AudioDecodeRequest) => {
    const outcome = await runInWorker<AudioDecodeRequest, AudioDecodeProbe>(page, script, request);
    expect(outcome.error).toBeUndefined();
    expect(outcome.result!.audioDecoder).toBe(true);
    return outcome.result!.results;
  };

  const files = Object.fromEntries(Object.keys(AUDIO_FIXTURES).map((name) => [name, fixture(name)]));
  const results = await run({
    files,
    options: { sampleRate: RATE, windowSeconds: 0.5, frequencies: [440, 1000, 3000], reference: FIXTURE_TONE },
  });
  for (const [name, codec] of Object.entries(AUDIO_FIXTURES)) {
    const facts = expected[name]!;
    const result = results[name]!;
    expect(result.error, name).toBeNull();
    expect(result.facts, name).toEqual({
      durationSeconds: expect.closeTo(expectedSamples(facts, facts.ffprobe.sampleRate) / facts.ffprobe.sampleRate, 3),
      sourceSampleRate: facts.ffprobe.sampleRate,
      channels: facts.ffprobe.channels,
      codec,
    });
    const slack = Math.ceil((SLACK_SOURCE_SAMPLES[codec]! * RATE) / facts.ffprobe.sampleRate);
    expect(Math.abs(result.samples - expectedSamples(facts, RATE)), name).toBeLessThanOrEqual(slack);
    // What Node gives for the WebAssembly formats (tests/unit/dam/audio-decode.test.ts), and the edit list's 2.0 s for AAC.
    expect(result.samples, name).toBe(32_000);
    expect(result, name).toMatchObject({ windows: 4, longestWindow: 8000, shortWindows: 0, gaps: 0 });
    expect(Math.abs(result.amplitudes['440']! - 0.5), name).toBeLessThan(0.03);
    expect(Math.abs(result.amplitudes['1000']! - 0.125), name).toBeLessThan(0.02);
    expect(result.amplitudes['3000'], name).toBeLessThan(0.01);
    expect(Math.abs(result.lag!), name).toBeLessThanOrEqual(1);
  }

  // maxSeconds stops WebCodecs too; a cut M4A, a video without sound and junk are errors that say so.
  const m4a = fixture('tone.m4a');
  const more = await run({
    files: {
      'tone.m4a': m4a,
      'cut.m4a': m4a.subarray(0, Math.floor(m4a.length * 0.6)),
      'clip.mp4': new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/media/clip.mp4'))),
      'not-audio.bin': fixture('not-audio.bin'),
      'truncated.mp3': fixture('truncated.mp3'),
    },
    options: { sampleRate: RATE, windowSeconds: 0.3, maxSeconds: 0.75 },
  });
  expect(more['tone.m4a']).toMatchObject({
    error: null,
    samples: 12_000,
    windows: 3,
    gaps: 0,
    facts: { durationSeconds: 2, codec: 'aac' },
  });
  expect(more['cut.m4a']!.error).toMatch(/^AudioDecodeError: This MP4\/M4A\/MOV cannot be decoded: it is truncated/);
  expect(more['clip.mp4']!.error).toBe('AudioDecodeError: This MP4/M4A/MOV has no sound to decode: it has no audio track');
  expect(more['not-audio.bin']!.error).toMatch(/^AudioDecodeError: Not a sound this codec can decode/);
  expect(more['truncated.mp3']!.error).toMatch(/^AudioDecodeError: This MP3 stream cannot be decoded: it is truncated/);
});
