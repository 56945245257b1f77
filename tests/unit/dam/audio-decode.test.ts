import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError } from '../../../src/lib/dam/media/audio-codec';
import { MonoResampler } from '../../../src/lib/dam/media/audio-resample';
import { NodeAudioCodec } from '../../../src/lib/platform/node-audio-codec';
import {
  AUDIO_FIXTURES,
  expectedSamples,
  FIXTURE_TONE,
  measureDecode,
  SLACK_SOURCE_SAMPLES,
  toneAmplitude,
  type AudioFileFacts,
} from '../../e2e/probes/audio-decode-measure';

const AUDIO = join(import.meta.dirname, '../../fixtures/audio');
const RATE = 16_000;
const codec = new NodeAudioCodec();

const expected = JSON.parse(await readFile(join(AUDIO, 'expected.json'), 'utf8')) as { files: Record<string, AudioFileFacts> };
const fixture = async (name: string) => new Blob([await readFile(join(AUDIO, name))]);

/** The fixtures the WebAssembly decoders read (AAC is the browsers'). */
const WASM_FIXTURES = Object.entries(AUDIO_FIXTURES).filter(([, codecName]) => codecName !== 'aac');

/** A WAV made of parts (a header and the same block of frames again and again), as a Blob: never whole in memory. */
function wavBlob(options: {
  rate: number;
  channels: number;
  bits: number;
  float?: boolean;
  extensible?: boolean;
  block: (frame: number, channel: number) => number;
  blockFrames: number;
  repeats: number;
}): Blob {
  const { rate, channels, bits, blockFrames, repeats } = options;
  const width = bits / 8;
  const data: DataView<ArrayBuffer> = new DataView(new ArrayBuffer(blockFrames * channels * width));
  for (let f = 0; f < blockFrames; f++)
    for (let c = 0; c < channels; c++) {
      const value = options.block(f, c);
      const at = (f * channels + c) * width;
      if (options.float && width === 4) data.setFloat32(at, value, true);
      else if (options.float) data.setFloat64(at, value, true);
      else if (bits === 8) data.setUint8(at, Math.round(value * 127) + 128);
      else if (bits === 16) data.setInt16(at, Math.round(value * 32767), true);
      else if (bits === 24) {
        const v = Math.round(value * 8388607);
        data.setUint8(at, v & 0xff);
        data.setInt16(at + 1, v >> 8, true);
      } else data.setInt32(at, Math.round(value * 2147483647), true);
    }
  const fmtSize = options.extensible ? 40 : 16;
  const header: DataView<ArrayBuffer> = new DataView(new ArrayBuffer(20 + fmtSize + 8));
  const ascii = (at: number, text: string) => [...text].forEach((ch, i) => header.setUint8(at + i, ch.charCodeAt(0)));
  const dataBytes = data.byteLength * repeats;
  ascii(0, 'RIFF');
  header.setUint32(4, 12 + fmtSize + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  header.setUint32(16, fmtSize, true);
  const tag = options.float ? 3 : 1;
  header.setUint16(20, options.extensible ? 0xfffe : tag, true);
  header.setUint16(22, channels, true);
  header.setUint32(24, rate, true);
  header.setUint32(28, rate * channels * width, true);
  header.setUint16(32, channels * width, true);
  header.setUint16(34, bits, true);
  if (options.extensible) {
    header.setUint16(36, 22, true);
    header.setUint16(38, bits, true);
    header.setUint16(44, tag, true); // the sub-format GUID's first two bytes
  }
  ascii(20 + fmtSize, 'data');
  header.setUint32(24 + fmtSize, dataBytes, true);
  return new Blob([header, ...new Array<DataView<ArrayBuffer>>(repeats).fill(data)]);
}

/** A Blob that records the size of every slice read from it. */
class SliceRecordingBlob extends Blob {
  readonly slices: number[] = [];
  override slice(start?: number, end?: number, contentType?: string): Blob {
    const part = super.slice(start, end, contentType);
    this.slices.push(part.size);
    return part;
  }
}

describe('NodeAudioCodec (WebAssembly decoders)', () => {
  for (const [name, codecName] of WASM_FIXTURES) {
    it(`decodes ${name} to mono at 16 kHz: the whole tone, in joined windows, its frequencies kept`, async () => {
      const facts = expected.files[name]!;
      const result = await measureDecode(codec, await fixture(name), {
        sampleRate: RATE,
        windowSeconds: 0.5,
        frequencies: [440, 1000, 3000],
        reference: FIXTURE_TONE,
      });
      expect(result.error).toBeNull();
      expect(result.facts).toEqual({
        durationSeconds: expect.closeTo(facts.ffmpegDecodedFrames / facts.ffprobe.sampleRate, 3),
        sourceSampleRate: facts.ffprobe.sampleRate,
        channels: facts.ffprobe.channels,
        codec: codecName,
      });
      const slack = Math.ceil((SLACK_SOURCE_SAMPLES[codecName]! * RATE) / facts.ffprobe.sampleRate);
      expect(Math.abs(result.samples - expectedSamples(facts, RATE))).toBeLessThanOrEqual(slack);
      expect(result.samples).toBe(32_000); // What these files decode to: 2.0 s.
      expect(result).toMatchObject({ windows: 4, longestWindow: 8000, shortWindows: 0, gaps: 0 });
      // The mono mix is 0.5·sin(440 Hz) + 0.125·sin(1 kHz): the channels averaged, not one kept.
      expect(result.amplitudes['440']).toBeCloseTo(0.5, 1);
      expect(Math.abs(result.amplitudes['440']! - 0.5)).toBeLessThan(0.03);
      expect(Math.abs(result.amplitudes['1000']! - 0.125)).toBeLessThan(0.02);
      expect(result.amplitudes['3000']).toBeLessThan(0.01);
      // In time with the tone written: priming, pre-skip and encoder delay dropped, the resampler adds no delay.
      expect(Math.abs(result.lag!)).toBeLessThanOrEqual(1);
    });
  }

  it('stops after maxSeconds, and still reports the length the headers state', async () => {
    for (const name of ['tone.mp3', 'tone-s16.wav', 'tone.opus']) {
      const result = await measureDecode(codec, await fixture(name), { sampleRate: RATE, windowSeconds: 0.3, maxSeconds: 0.75 });
      expect(result.error, name).toBeNull();
      expect(result.samples, name).toBe(12_000);
      expect(result).toMatchObject({ windows: 3, longestWindow: 4800, shortWindows: 0, gaps: 0 });
      expect(result.facts!.durationSeconds, name).toBeCloseTo(2, 3);
    }
  });

  it('decodes a 10-minute WAV in slices of at most 1 MB, in windows of bounded size', async () => {
    // A faint 100 Hz hum at 8 kHz, mono 16-bit: one second repeated 600 times (9.6 MB).
    const blob = new SliceRecordingBlob([
      wavBlob({
        rate: 8000,
        channels: 1,
        bits: 16,
        blockFrames: 8000,
        repeats: 600,
        block: (f) => 0.01 * Math.sin((2 * Math.PI * 100 * f) / 8000),
      }),
    ]);
    let last: Float32Array | null = null;
    let windows = 0;
    let expectedStart = 0;
    const facts = await codec.decodeWindows(blob, RATE, 10, (window) => {
      expect(window.startSeconds).toBeCloseTo(expectedStart, 9);
      expect(window.samples.length).toBeLessThanOrEqual(10 * RATE);
      expectedStart += window.samples.length / RATE;
      last = window.samples;
      windows++;
    });
    expect(facts).toEqual({ durationSeconds: 600, sourceSampleRate: 8000, channels: 1, codec: 'wav' });
    expect(windows).toBe(60);
    expect(expectedStart).toBeCloseTo(600, 9);
    expect(Math.max(...blob.slices)).toBeLessThanOrEqual(1 << 20);
    // The hum is still there, at its level, at the very end: no drift over 9.6 million samples.
    expect(toneAmplitude(last!.subarray(RATE, 9 * RATE), RATE, 100)).toBeCloseTo(0.01, 3);
  });

  it('reads every WAV sample format, plain and WAVE_FORMAT_EXTENSIBLE, and averages the channels', async () => {
    // Channel c holds the constant (c + 1) / 8: the mono mix of n channels is (n + 1) / 16.
    const formats = [
      { bits: 8 },
      { bits: 16 },
      { bits: 24 },
      { bits: 32 },
      { bits: 32, float: true },
      { bits: 64, float: true },
      { bits: 24, extensible: true },
      { bits: 32, float: true, extensible: true },
    ];
    for (const format of formats) {
      const channels = format.extensible ? 6 : 2;
      const blob = wavBlob({ rate: RATE, channels, blockFrames: 1600, repeats: 1, block: (_f, c) => (c + 1) / 8, ...format });
      const out: number[] = [];
      const facts = await codec.decodeWindows(blob, RATE, 1, (w) => void out.push(...w.samples));
      expect(facts, JSON.stringify(format)).toEqual({ durationSeconds: 0.1, sourceSampleRate: RATE, channels, codec: 'wav' });
      expect(out).toHaveLength(1600);
      for (const value of out) expect(value).toBeCloseTo((channels + 1) / 16, 2);
    }
  });

  it('removes what 16 kHz cannot carry instead of folding it back', async () => {
    // 440 Hz and 12 kHz at 44.1 kHz: naive resampling would fold 12 kHz onto 4 kHz.
    const blob = wavBlob({
      rate: 44_100,
      channels: 1,
      bits: 16,
      blockFrames: 44_100,
      repeats: 1,
      block: (f) => 0.4 * Math.sin((2 * Math.PI * 440 * f) / 44_100) + 0.4 * Math.sin((2 * Math.PI * 12_000 * f) / 44_100),
    });
    const result = await measureDecode(codec, blob, { sampleRate: RATE, windowSeconds: 0.1, frequencies: [440, 4000] });
    expect(result.samples).toBe(16_000);
    expect(result.amplitudes['440']).toBeCloseTo(0.4, 3);
    expect(result.amplitudes['4000']).toBeLessThan(1e-3);
    // Fed in pieces of any size, the resampler gives exactly what it gives on the whole.
    const input = Float32Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 7) * Math.cos(i / 131));
    const whole = new MonoResampler(44_100, RATE);
    const reference = [...whole.process(input), ...whole.flush()];
    const pieces = new MonoResampler(44_100, RATE);
    const joined: number[] = [];
    for (let i = 0; i < input.length; i += 333) joined.push(...pieces.process(input.subarray(i, i + 333)));
    joined.push(...pieces.flush());
    expect(joined).toEqual(reference);
    expect(reference).toHaveLength(Math.ceil((10_000 * RATE) / 44_100));
  });

  it('refuses truncated, damaged and unknown bytes with an AudioDecodeError that says why', async () => {
    const bytes = async (name: string) => new Uint8Array(await readFile(join(AUDIO, name)));
    const cut = async (name: string, share: number) => {
      const all = await bytes(name);
      return new Blob([all.subarray(0, Math.floor(all.length * share))]);
    };
    const damage = async (name: string) => {
      const all = await bytes(name);
      for (let i = Math.floor(all.length / 3); i < Math.floor(all.length / 3) + 800; i++) all[i] = (i * 7919) % 251;
      return new Blob([all]);
    };
    const failures: [string, Blob, RegExp][] = [
      ['truncated.mp3', await fixture('truncated.mp3'), /^This MP3 stream cannot be decoded: it is truncated/],
      [
        'cut FLAC',
        await cut('tone.flac', 0.6),
        /^This FLAC stream cannot be decoded: it is truncated or damaged: its header promises 2\.000 s, only/,
      ],
      ['damaged FLAC', await damage('tone.flac'), /^This FLAC stream cannot be decoded: /],
      ['cut Opus', await cut('tone.opus', 0.5), /^This Opus stream cannot be decoded: it is truncated/],
      ['damaged Opus', await damage('tone.opus'), /^This Opus stream cannot be decoded: /],
      ['cut Vorbis', await cut('tone.ogg', 0.5), /^This Vorbis stream cannot be decoded: it is truncated/],
      ['cut WAV', await cut('tone-s16.wav', 0.5), /^This WAV file cannot be decoded: it is truncated/],
      ['not-audio.bin', await fixture('not-audio.bin'), /^Not a sound this codec can decode: it starts with 54 68 69 73/],
      ['empty', new Blob([]), /^Not a sound this codec can decode: it is empty/],
      ['tone.m4a', await fixture('tone.m4a'), /^MP4\/M4A\/MOV \(AAC audio .*\) cannot be decoded here: Node has no AAC decoder/],
      ['clip-aac.mp4', await fixture('clip-aac.mp4'), /^MP4\/M4A\/MOV .* Node has no AAC decoder/],
    ];
    for (const [name, blob, message] of failures) {
      const windows: number[] = [];
      const error = await codec.decodeWindows(blob, RATE, 1, (w) => void windows.push(w.samples.length)).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(AudioDecodeError);
      expect((error as Error).message, name).toMatch(message);
    }
  });
});
