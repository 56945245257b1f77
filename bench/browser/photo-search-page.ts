/**
 * Page-side half of the photo-search benchmark, bundled by `bench/lib/bundle.ts` and injected
 * into the app's page: it generates camera JPEGs in the page, imports the image model through
 * the app's own `importModel`, and drives `globalThis.damApi` through a whole ingest until every
 * photo has its CLIP vector, polling as the UI does. Installs `globalThis.__photoSearchBench`.
 */
import type { DamApi, IngestStatus } from '../../src/lib/api/dam-api';
import { enqueueChunks } from '../../src/lib/ui/ingest/enqueue-chunks';
import { generateJpeg, jpegGenerator, type GeneratedJpeg } from './ingest-jpeg-fixtures';

export interface PhotoSearchRunOptions {
  readonly world: string;
  readonly count: number;
  /** Wait for image vectors (an image model is imported) or only for thumbnails. */
  readonly waitFor: 'thumbnails' | 'embeddings';
  readonly timeoutMs: number;
}

export interface PhotoSearchRunReport {
  readonly count: number;
  readonly bytes: number;
  /** ms from the first `enqueueFiles` call. */
  readonly addedMs: number | null;
  readonly thumbnailsMs: number | null;
  readonly embeddingsMs: number | null;
  readonly vectors: number;
  readonly modelTags: number;
  /** A search by words and one by a picture once everything is in, ms each (the first of each). */
  readonly searchByWordsMs: number | null;
  readonly searchByPictureMs: number | null;
  readonly pictureHits: number | null;
  readonly timedOut: boolean;
}

const MODEL_FILES = [
  'config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'onnx/text_model_quantized.onnx',
  'onnx/vision_model_quantized.onnx',
];

let photos: GeneratedJpeg[] = [];

function api(): DamApi {
  const damApi = (globalThis as { damApi?: DamApi }).damApi;
  if (!damApi) throw new Error('globalThis.damApi is missing');
  return damApi;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pendingOf = (status: IngestStatus, marker: string) => status.pendingWork.find((w) => w.marker === marker)?.count ?? 0;

async function generate(count: number): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const gen = jpegGenerator();
  photos = [];
  for (let i = 0; i < count; i++) photos.push(await generateJpeg(gen, i));
  return { ms: performance.now() - started, bytes: photos.reduce((sum, p) => sum + p.blob.size, 0) };
}

/** The q8 files, as a browser download would fetch them, handed to the app's import. */
async function importModel(modelUrl: string): Promise<{ ms: number; state: string; precision: string | null }> {
  const files = await Promise.all(
    MODEL_FILES.map(async (path) => {
      const response = await fetch(`${modelUrl}${path}`);
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return { path, file: await response.blob() };
    }),
  );
  const started = performance.now();
  const status = await api().importModel('clip-vit-base-patch32', files);
  return { ms: performance.now() - started, state: status.state, precision: status.precision };
}

async function run(options: PhotoSearchRunOptions): Promise<PhotoSearchRunReport> {
  const dam = api();
  await dam.createWorld(options.world);
  // OCR waits until no photo waits for a vector, and is measured on its own (the ocr benchmark).
  await dam.setImageUnderstanding({ ocr: false });
  const files = photos.slice(0, options.count);
  const chunks = enqueueChunks(files.length);
  const t0 = performance.now();
  const handOver = (async () => {
    for (const [start, end] of chunks) {
      await dam.enqueueFiles(
        files.slice(start, end).map((f) => ({ name: f.name, path: f.name, file: f.blob, lastModified: f.lastModified })),
      );
    }
  })();
  let handedOver = false;
  void handOver.then(() => (handedOver = true));
  let addedMs: number | null = null;
  let thumbnailsMs: number | null = null;
  let embeddingsMs: number | null = null;
  let timedOut = false;
  for (;;) {
    const status = await dam.ingestStatus();
    const t = performance.now() - t0;
    const added = handedOver && status.filesDone + status.filesFailed >= files.length && status.phase !== 'adding';
    if (addedMs === null && added) addedMs = t;
    if (added && thumbnailsMs === null && pendingOf(status, 'NeedsThumbnailMarker') === 0) thumbnailsMs = t;
    if (added && options.waitFor === 'embeddings' && embeddingsMs === null) {
      const pictures = await dam.imageUnderstanding();
      if (thumbnailsMs !== null && pictures.pendingEmbeddings === 0 && pendingOf(status, 'NeedsImageEmbeddingMarker') === 0) {
        embeddingsMs = performance.now() - t0;
      }
    }
    if (thumbnailsMs !== null && (options.waitFor === 'thumbnails' || embeddingsMs !== null)) break;
    if (t > options.timeoutMs) {
      timedOut = true;
      break;
    }
    await sleep(250);
  }
  await handOver;
  const stats = await dam.worldStats();
  let searchByWordsMs: number | null = null;
  let searchByPictureMs: number | null = null;
  let pictureHits: number | null = null;
  if (options.waitFor === 'embeddings' && !timedOut) {
    let started = performance.now();
    const byWords = await dam.semanticSearch('a dog on a beach', { topN: 48, minPictureSimilarity: 0 });
    searchByWordsMs = performance.now() - started;
    pictureHits = byWords.pictureHits.length;
    started = performance.now();
    await dam.searchByPicture(files[0]!.blob, { topN: 48 });
    searchByPictureMs = performance.now() - started;
  }
  return {
    count: files.length,
    bytes: files.reduce((sum, f) => sum + f.blob.size, 0),
    addedMs,
    thumbnailsMs,
    embeddingsMs,
    vectors: stats.componentCounts.ImageEmbeddingClipVitB32Dim512Component ?? 0,
    modelTags: stats.componentCounts.ModelGeneratedTagLinkComponent ?? 0,
    searchByWordsMs,
    searchByPictureMs,
    pictureHits,
    timedOut,
  };
}

export interface PhotoSearchBenchPage {
  generate(count: number): Promise<{ ms: number; bytes: number }>;
  importModel(modelUrl: string): Promise<{ ms: number; state: string; precision: string | null }>;
  run(options: PhotoSearchRunOptions): Promise<PhotoSearchRunReport>;
}

(globalThis as { __photoSearchBench?: PhotoSearchBenchPage }).__photoSearchBench = { generate, importModel, run };
