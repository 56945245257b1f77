import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openAsBlob, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { NodeAudioCodec } from '../../src/lib/platform/node-audio-codec';
import { bundleForBrowser } from '../lib/bundle';
import { describeMachine } from '../lib/machine';
import { table } from '../lib/markdown';
import { formatMs, summarize } from '../lib/stats';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';
import { runProbeInWorker } from '../lib/worker-run';
import {
  timeDecodes,
  type AudioBenchFile,
  type AudioDecodeTiming,
  type AudioProbeRequest,
  type AudioProbeResult,
} from './audio-decode-probe';

/**
 * Audio decode throughput through the app's codecs (`NodeAudioCodec`, `BrowserAudioCodec`): a
 * 60 s stereo clip made with sox on every run, encoded as the formats the codecs read, decoded
 * to mono at a model's 16 kHz and at the file's own rate (no resampling), in Node and in a
 * Chromium worker (the WebAssembly decoders; WebCodecs' AudioDecoder for AAC), in one run.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const CLIP_SECONDS = 60;
const MODEL_RATE = 16_000;
const WINDOW_SECONDS = 10;
const PASSES = 3;
const RUN_TIMEOUT_MS = 540_000;
/** Where bench/run.ts serves its copy of `build/`, relative to `workDir`. */
const SERVED_BUILD = 'build';

/** The encodings, as a file would commonly come: name, format, source rate, encoder command. */
const ENCODINGS: readonly (readonly [string, string, number, readonly string[]])[] = [
  ['clip.wav', 'wav', 44_100, []],
  ['clip.mp3', 'mp3', 44_100, ['ffmpeg', '-c:a', 'libmp3lame', '-b:a', '128k']],
  ['clip.flac', 'flac', 44_100, ['sox']],
  ['clip.opus', 'opus', 48_000, ['ffmpeg', '-c:a', 'libopus', '-b:a', '96k']],
  ['clip.ogg', 'vorbis', 44_100, ['ffmpeg', '-c:a', 'libvorbis', '-q:a', '4']],
  ['clip.m4a', 'aac', 44_100, ['ffmpeg', '-c:a', 'aac', '-b:a', '128k']],
];

interface Row extends AudioDecodeTiming {
  readonly runtime: string;
}

export interface AudioDecodeBenchResult {
  readonly files: AudioBenchFile[];
  readonly rows: Row[];
  readonly audioDecoder: boolean | null;
  readonly durationMs: number;
}

/** Pink noise on the left, a slow sine sweep on the right, at −10 dBFS or so: encoders work as on real sound. */
function makeClips(dir: string): AudioBenchFile[] {
  mkdirSync(dir, { recursive: true });
  const source = join(dir, 'clip.wav');
  execFileSync('sox', [
    '-R',
    '-n',
    '-r',
    '44100',
    '-c',
    '2',
    '-b',
    '16',
    source,
    'synth',
    String(CLIP_SECONDS),
    'pinknoise',
    'sine',
    '200-2000',
    'vol',
    '0.3',
  ]);
  return ENCODINGS.map(([name, format, sourceRate, [tool, ...args]]) => {
    const path = join(dir, name);
    if (tool === 'ffmpeg') execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', source, ...args, path]);
    else if (tool === 'sox') execFileSync('sox', ['-R', source, path]);
    return { name, format, bytes: statSync(path).size, sourceRate };
  });
}

async function inChromium(context: BenchContext, files: AudioBenchFile[], dir: string): Promise<AudioProbeResult> {
  const served = join(context.workDir, SERVED_BUILD);
  if (!existsSync(join(served, 'index.html'))) throw new Error(`The served build is not at ${served} (see copyBuild in bench/run.ts)`);
  cpSync(dir, join(served, 'bench-audio'), { recursive: true });
  const script = await bundleForBrowser(join(HERE, 'audio-decode-probe.ts'), { external: ['@wasm-audio-decoders/opus-ml'] });
  const browser = await chromium.launch({ executablePath: context.chromiumPath, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`${context.baseUrl}/manifest.webmanifest`);
    const request: AudioProbeRequest = {
      filesUrl: `${context.baseUrl}/bench-audio/`,
      files,
      modelRate: MODEL_RATE,
      windowSeconds: WINDOW_SECONDS,
      passes: PASSES,
    };
    const { result, error } = await runProbeInWorker<AudioProbeRequest, AudioProbeResult>(page, script, request, RUN_TIMEOUT_MS);
    if (!result) throw new Error(`The Chromium worker failed: ${error ?? 'no result'}`);
    return result;
  } finally {
    await browser.close();
  }
}

async function runAudioDecodeBench(context: BenchContext): Promise<AudioDecodeBenchResult> {
  const started = performance.now();
  const dir = join(context.workDir, 'audio-clips');
  const files = makeClips(dir);
  const nodeFiles = await Promise.all(files.map(async (file) => ({ file, blob: await openAsBlob(join(dir, file.name)) })));
  const options = { modelRate: MODEL_RATE, windowSeconds: WINDOW_SECONDS, passes: PASSES };
  const rows: Row[] = (await timeDecodes(new NodeAudioCodec(), nodeFiles, options)).map((t) => ({ ...t, runtime: 'Node' }));
  context.log(`audio-decode: Node done (${rows.length} rows)`);
  const chromium = await inChromium(context, files, dir);
  rows.push(...chromium.timings.map((t) => ({ ...t, runtime: 'Chromium worker' })));
  context.log('audio-decode: Chromium done');
  return { files, rows, audioDecoder: chromium.audioDecoder, durationMs: performance.now() - started };
}

const decoderOf = (runtime: string, format: string) =>
  format === 'wav'
    ? 'own reader (TS)'
    : format === 'aac'
      ? runtime === 'Node'
        ? '–'
        : 'WebCodecs AudioDecoder'
      : `wasm (${{ mp3: 'mpg123-decoder', flac: '@wasm-audio-decoders/flac', opus: 'ogg-opus-decoder', vorbis: '@wasm-audio-decoders/ogg-vorbis' }[format]})`;

function rows(result: AudioDecodeBenchResult): string[][] {
  return result.rows.map((row) => {
    const file = result.files.find((f) => f.name === row.name)!;
    const base = [
      row.runtime,
      decoderOf(row.runtime, row.format),
      `${row.format} (${(file.bytes / 2 ** 20).toFixed(2)} MB)`,
      row.targetRate === MODEL_RATE ? '16 kHz (resampled)' : `${row.targetRate / 1000} kHz (own rate)`,
    ];
    const median = summarize(row.passMs)?.median;
    if (row.error || median === undefined) return [...base, '–', '–', '–', row.error ? `fails: ${row.error}` : 'no passes'];
    const seconds = median / 1000;
    return [
      ...base,
      `**${(CLIP_SECONDS / seconds).toFixed(0)}×**`,
      (file.bytes / 2 ** 20 / seconds).toFixed(1),
      `${formatMs(median)} (${formatMs(Math.min(...row.passMs))}–${formatMs(Math.max(...row.passMs))})`,
      String(row.samples),
    ];
  });
}

export const audioDecodeBenchmark: Benchmark<AudioDecodeBenchResult> = {
  id: 'audio-decode',
  title: 'Audio decoding to mono windows (Node and Chromium)',
  run: runAudioDecodeBench,
  markdown(result, meta: RunMeta) {
    return [
      '## Audio decoding (sounds to mono windows for audio models)',
      '',
      table(
        ['Runtime', 'Decoder', 'File', 'Decoded to', 'Audio s per wall s (median)', 'MB/s', 'Wall time, median (min–max)', 'Samples out'],
        rows(result),
      ),
      '',
      `- Machine: ${describeMachine(meta.machine)}`,
      `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
      `- Command: \`${meta.command}\`, or alone \`npx tsx bench/run.ts audio-decode\` (\`bench/browser/audio-decode.bench.ts\`, \`bench/browser/audio-decode-probe.ts\`; raw results in \`bench/out/audio-decode.json\`), total ${formatMs(result.durationMs)}`,
      '- Measured beside: the Node rows and the Chromium rows come from the same run, on the same files.',
      `- Clip: ${CLIP_SECONDS} s, stereo, 44.1 kHz, made by sox on each run (pink noise left, a 200 Hz–2 kHz sweep right); WAV 16-bit, MP3 128 kbit/s (LAME), FLAC (sox, level 5), Ogg Opus 96 kbit/s (48 kHz), Ogg Vorbis q4, M4A AAC 128 kbit/s (ffmpeg's encoder).`,
      `- Procedure (\`timeDecodes\`, the same function in both runtimes): one whole \`decodeWindows\` call per pass, windows of ${WINDOW_SECONDS} s handed to a callback that keeps nothing; one untimed pass (WebAssembly compilation, JIT), then ${PASSES} timed. "Own rate" decodes and mixes to mono without resampling, so the difference from the 16 kHz row is the resampler's cost. Node reads the files as \`fs.openAsBlob\` Blobs; the worker fetches them from the harness's server into Blobs first (not timed). MB/s counts the encoded file's bytes.`,
      `- Chromium: a dedicated (blob) worker of a page of the served app, \`BrowserAudioCodec\`; WebCodecs AudioDecoder present: ${String(result.audioDecoder)}. Node has no AAC decoder, so its AAC rows fail by design.`,
    ].join('\n');
  },
};
