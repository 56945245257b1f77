import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';
import { folderFiles, TestDamApp } from '../helpers/test-app';
import { tone, wavBlob } from '../helpers/wav';

/*
 * Sounds through the whole app: the bundled speech embedding on real espeak-ng recordings
 * (tests/fixtures/speech: one sentence in two voices, another sentence, a tone), and the
 * CLAP- and VGGish-shaped fixtures (tests/fixtures/models/README.md) imported as the user would.
 * Expected before running: the two voices of one sentence are each other's nearest sound, the
 * other sentence comes next, and the tone is not similar to speech.
 */
const speech = (name: string) => new Blob([readFileSync(new URL(`../../fixtures/speech/${name}`, import.meta.url))]);
const modelFolder = (name: string) => fileURLToPath(new URL(`../../fixtures/models/${name}`, import.meta.url));

describe('sounds: audio embeddings, similar sounds, waveforms and words that reach sounds', () => {
  let app: TestDamApp;
  const ids = new Map<string, number>();

  async function ingest(files: { name: string; file: Blob }[]): Promise<void> {
    for (const result of await app.ingestFiles(files)) {
      if (result.entityId === null) throw new Error(`${result.name}: ${result.error}`);
      ids.set(result.name, result.entityId);
    }
    await app.processPending();
  }

  beforeAll(async () => {
    app = new TestDamApp(await createNodePlatform());
    await app.createWorld('sounds');
  }, 60_000);
  afterAll(() => app.close());

  it('embeds every sound with the bundled speech model: one normalised 96-d vector each, named by its model', async () => {
    await ingest(['lights-us.wav', 'lights-gb.wav', 'snow-us.wav', 'tone.wav'].map((name) => ({ name, file: speech(name) })));
    const rows = await app.query(
      `SELECT entity_id, model_name, vector_dims(embedding_vector) AS dims, vector_norm(embedding_vector) AS norm
         FROM component_audio_embedding_speech_embedding_d96 ORDER BY entity_id`,
    );
    expect(rows.map((r) => Number(r.entity_id))).toEqual([...ids.values()].sort((a, b) => a - b));
    for (const row of rows) {
      expect(row).toMatchObject({ model_name: 'speech-embedding', dims: 96 });
      expect(Number(row.norm)).toBeCloseTo(1, 4);
    }
    expect((await app.worldStats()).pendingWork.filter((w) => w.count > 0)).toEqual([]);
  });

  it('lists similar sounds, the same sentence in another voice first, and the tone not at all', async () => {
    const similar = await app.findSimilarSounds(ids.get('lights-us.wav')!);
    expect(similar.map((s) => s.name)).toEqual(['lights-gb.wav', 'snow-us.wav']);
    expect(similar[0]).toMatchObject({ model: 'speech-embedding' });
    expect(similar[0]!.similarity).toBeGreaterThan(similar[1]!.similarity);
    const query = await app.listAssets({ search: `similar:${ids.get('lights-us.wav')}`, sort: 'name' });
    expect(query.items.map((a) => a.name)).toEqual(['lights-gb.wav', 'snow-us.wav']);
    expect(await app.findSimilarSounds(999_999)).toEqual([]);
  });

  it("draws a sound's waveform from its peaks, and nothing for a file that is not a sound", async () => {
    const waveform = await app.audioWaveform(ids.get('tone.wav')!, { buckets: 40 });
    expect(waveform!.peaks).toHaveLength(40);
    expect(waveform!.durationSeconds).toBeCloseTo(2, 1);
    // A sine at −6 dBFS peaks at about 0.5, and its fades start and end near 0.
    expect(Math.max(...waveform!.peaks)).toBeCloseTo(0.5, 1);
    expect(waveform!.peaks[0]!).toBeLessThan(0.45);
    await ingest([{ name: 'notes.txt', file: new Blob(['not a sound']) }]);
    expect(await app.audioWaveform(ids.get('notes.txt')!)).toBeNull();
  });

  it('with the CLAP fixture imported, words reach sounds: a low hum finds the low tone', async () => {
    await ingest([
      { name: 'a.wav', file: wavBlob(tone(200, 3, 48_000), 48_000) },
      { name: 'b.wav', file: wavBlob(tone(4000, 3, 48_000), 48_000) },
    ]);
    const status = await app.importModel('clap-htsat-unfused', folderFiles(modelFolder('clap-fixture')));
    expect(status).toMatchObject({ task: 'audio-embedding', source: 'imported', dimensions: 512 });
    await app.processPending();
    // Every sound gets a CLAP vector too; the speech vectors are kept, not made again.
    const clap = await app.query('SELECT count(*)::int AS n FROM component_audio_embedding_clap_htsat_unfused_d512');
    expect(clap[0]!.n).toBe(6);
    const result = await app.semanticSearch('a low hum');
    expect(result.soundModel).toBe('clap-htsat-unfused');
    expect(result.soundHits![0]!.asset.name).toBe('a.wav');
    expect(result.soundHits!.map((h) => h.asset.name)).not.toContain('b.wav');
    const named = await app.listAssets({ search: '~"a high whistle" ~0.95' });
    expect(named.items.map((a) => a.name)).toEqual(['b.wav']);
  });

  it('with the VGGish-shaped fixture imported, sounds get its 128-d vectors as well', async () => {
    await app.importModel(
      'vggish',
      folderFiles(modelFolder('vggish-fixture')).filter((f) => f.path === 'model.onnx'),
    );
    await app.processPending();
    const rows = await app.query('SELECT model_name, vector_dims(embedding_vector) AS dims FROM component_audio_embedding_vggish_d128');
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.model_name === 'vggish' && r.dims === 128)).toBe(true);
  });
});
