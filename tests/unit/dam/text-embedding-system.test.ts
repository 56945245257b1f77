import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { ModelExecutionManager } from '../../../src/lib/ml/model-execution-manager';
import { ResourceManager } from '../../../src/lib/ecs';
import { nodeCapabilities } from '../../../src/lib/platform/node-capabilities';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const text = (s: string) => new Blob([new TextEncoder().encode(s)], { type: 'text/plain' });

/**
 * Real sentences under neutral names, so only their content can match. The expected answer for
 * each query was written down before the first run.
 */
const CORPUS: Record<string, string> = {
  'note-1.txt': 'Preheat the oven to 200 degrees, mix flour, butter and sugar, and bake the cookies for twelve minutes.',
  'note-2.txt': 'The striker scored twice in the second half and the home team won the league match three to one.',
  'note-3.txt': 'We walked up the mountain trail through pine forest and camped beside a cold alpine lake.',
  'note-4.txt': 'Invoice number 4411: payment of 250 euros is due within thirty days of the billing date.',
};
const EXPECTED: readonly [string, string][] = [
  ['how to bake biscuits', 'note-1.txt'],
  ['soccer game results', 'note-2.txt'],
  ['camping trip in the mountains', 'note-3.txt'],
  ['an unpaid bill', 'note-4.txt'],
];

describe('text embeddings during ingest, and semantic search (real USE-lite)', () => {
  let app: DamApp;
  beforeAll(async () => {
    app = new DamApp(await createNodePlatform());
    await app.createWorld('semantic');
    await app.enqueueFiles(Object.entries(CORPUS).map(([name, content]) => ({ name, file: text(content) })));
    await app.ingestIdle();
  }, 60_000);
  afterAll(() => app.close());

  it('embeds every new file once, name and content, and leaves no marker', async () => {
    const stats = await app.worldStats();
    expect(stats.pendingWork.filter((w) => w.count > 0)).toEqual([]);
    expect(stats.componentCounts.TextContentComponent).toBe(4);
    // Two fields per file: the name and the text.
    expect(stats.componentCounts.TextEmbeddingUseLiteDim512Component).toBe(8);
    expect((await app.ingestStatus()).error).toBeNull();
  });

  it.each(EXPECTED)('"%s" finds %s first, from its text', async (query, expected) => {
    const result = await app.semanticSearch(query, { topN: 4 });
    expect(result.model).toBe('use-lite');
    expect(result.pendingEntities).toBe(0);
    expect(result.hits.map((h) => h.asset.name)[0]).toBe(expected);
    expect(result.hits[0]).toMatchObject({ matchedComponent: 'TextContentComponent', matchedField: 'text' });
    const scores = result.hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('keeps results above the threshold only, and refuses an empty or oversized query', async () => {
    const all = await app.semanticSearch('how to bake biscuits', { topN: 4 });
    const threshold = (all.hits[0]!.score + all.hits[1]!.score) / 2;
    const strict = await app.semanticSearch('how to bake biscuits', { topN: 4, minSimilarity: threshold });
    expect(strict.hits.map((h) => h.asset.name)).toEqual(['note-1.txt']);
    await expect(app.semanticSearch('   ')).rejects.toMatchObject({ name: 'InvalidQueryError' });
    await expect(app.semanticSearch('x'.repeat(1001))).rejects.toMatchObject({ name: 'InvalidQueryError' });
  });
});

describe('models in Settings', () => {
  it('lists each model with its source, size, licence, state and device, and loads and unloads it', async () => {
    const app = new DamApp(await createNodePlatform());
    try {
      const before = await app.listModels();
      expect(before.map((m) => [m.name, m.source, m.state])).toEqual([
        ['all-MiniLM-L6-v2', null, 'unavailable'],
        ['use-lite', 'bundled', 'unloaded'],
        ['clip-vit-base-patch32', null, 'unavailable'],
        ['speech-embedding', 'bundled', 'unloaded'],
        ['clap-htsat-unfused', null, 'unavailable'],
        ['vggish', null, 'unavailable'],
        ['wd-v1-4-moat-tagger-v2', null, 'unavailable'],
        ['nsfwjs-mobilenet-v2', 'bundled', 'unloaded'],
        ['pp-ocrv4', 'bundled', 'unloaded'],
      ]);
      expect(before[2]).toMatchObject({ task: 'image-embedding', dimensions: 512, licence: 'MIT' });
      expect(before[3]).toMatchObject({ task: 'audio-embedding', dimensions: 96, licence: 'Apache-2.0', sizeBytes: 2_414_831 });
      expect(before[8]).toMatchObject({ task: 'ocr', dimensions: null, licence: 'Apache-2.0', sizeBytes: 16_173_333 });
      expect(before[7]).toMatchObject({ task: 'image-tagging', dimensions: null, licence: 'MIT', sizeBytes: 2_738_464 });
      expect(before[1]).toMatchObject({
        dimensions: 512,
        licence: 'Apache-2.0',
        sizeBytes: 28_379_956,
        devices: ['cpu'],
        deviceOverride: null,
      });
      expect(await app.loadModel('use-lite')).toMatchObject({ state: 'ready', device: 'cpu' });
      expect(await app.setModelDevice('use-lite', 'cpu')).toMatchObject({ state: 'ready', deviceOverride: 'cpu' });
      expect(await app.setModelDevice('use-lite', null)).toMatchObject({ deviceOverride: null });
      expect(await app.unloadModel('use-lite')).toMatchObject({ state: 'unloaded' });
      await expect(app.loadModel('all-MiniLM-L6-v2')).rejects.toMatchObject({ name: 'ModelUnavailableError' });
      await expect(app.loadModel('no-such-model')).rejects.toMatchObject({ name: 'UnknownModelError' });
    } finally {
      await app.close();
    }
  });
});

describe('plain text content', () => {
  it('keeps the opening 64 KB of a text file, and reads bad UTF-8 without failing', async () => {
    const app = new DamApp(await createNodePlatform());
    try {
      await app.createWorld('texts');
      const long = 'word '.repeat(30_000);
      const bad = new Blob([new Uint8Array([0x68, 0x69, 0xff, 0xfe, 0x20, 0x74, 0x68, 0x65, 0x72, 0x65])], { type: 'text/plain' });
      const [longResult, badResult] = await app.ingestFiles([
        { name: 'long.txt', file: text(long) },
        { name: 'bad.txt', file: bad },
      ]);
      await app.processPending();
      const content = async (id: number) =>
        (await app.getEntity(id))?.components.find((c) => c.name === 'TextContentComponent')?.fields as
          { text: string; truncated: boolean } | undefined;
      const longContent = await content(longResult!.entityId!);
      expect(longContent?.truncated).toBe(true);
      expect(longContent?.text.length).toBe(64 * 1024);
      expect(await content(badResult!.entityId!)).toEqual({ text: 'hi\uFFFD\uFFFD there', truncated: false });
    } finally {
      await app.close();
    }
  });
});

describe('text embeddings without a usable model', () => {
  it('stops with a clear error, keeps the markers, and still finishes the other work', async () => {
    // A manager whose model files cannot be found (as when nothing is bundled or imported).
    const resources = new ResourceManager();
    resources.add(
      new ModelExecutionManager({
        probe: nodeCapabilities,
        resolveFiles: () => Promise.reject(new Error('no files here')),
      }),
      ModelExecutionManager,
    );
    const app = new DamApp(await createNodePlatform({ globalResources: resources }));
    try {
      await app.createWorld('no-model');
      await app.enqueueFiles([{ name: 'a.txt', file: text('some words') }]);
      await app.ingestIdle();
      const status = await app.ingestStatus();
      expect(status.error).toMatch(/text.*model|use-lite/i);
      const stats = await app.worldStats();
      expect(stats.componentCounts.TextContentComponent).toBe(1);
      expect(stats.pendingWork.filter((w) => w.count > 0)).toEqual([{ marker: 'NeedsTextEmbeddingMarker', count: 1 }]);
      await expect(app.semanticSearch('words')).rejects.toMatchObject({ name: 'ModelUnavailableError' });
    } finally {
      await app.close();
    }
  });
});
