import { describe, expect, it } from 'vitest';
import { extractAudio } from '../../../../src/lib/dam/media/audio-extractor';
import { expected, fixtureBlob } from './fixtures';

describe('extractAudio', () => {
  it('reads a 1.5 s mono 22 050 Hz PCM WAV', async () => {
    const audio = await extractAudio(await fixtureBlob('tone.wav'), 'audio/wav');
    expect(audio.durationSeconds).toBeCloseTo(1.5, 2);
    expect(Math.abs((audio.durationSeconds ?? 0) - 1.5)).toBeLessThanOrEqual(0.01);
    expect(audio.sampleRate).toBe(22050);
    expect(audio.channels).toBe(1);
    expect(audio.codec).toBe('PCM');
    expect(audio.container).toBe('WAVE');
    expect(audio.bitRateKbps).toBeCloseTo(352.8, 1);
    expect(audio.tags).toEqual({});
  });

  it('reads ID3 tags and the duration of an MP3', async () => {
    const facts = (await expected())['tone.mp3'];
    if (!facts) return;
    const audio = await extractAudio(await fixtureBlob('tone.mp3', 'audio/mpeg'), null);
    expect(audio.tags).toMatchObject({ title: 'Fixture Tone', artist: 'DAM Tests' });
    expect(audio.sampleRate).toBe(facts.sampleRate);
    expect(audio.channels).toBe(1);
    expect(audio.durationSeconds).toBeGreaterThan(1.95);
    expect(audio.durationSeconds).toBeLessThan(2.15);
    expect(audio.codec).toMatch(/Layer 3/);
    expect(audio.bitRateKbps).toBe(32);
    expect(JSON.parse(JSON.stringify(audio.tags))).toEqual(audio.tags);
  });

  it('throws a clear error for bytes that are not audio', async () => {
    await expect(extractAudio(await fixtureBlob('doc.pdf'), 'audio/mpeg')).rejects.toThrow(/^Not a readable audio file: /);
    await expect(extractAudio(new Blob([]), null)).rejects.toThrow(/^Not a readable audio file: /);
  });
});
