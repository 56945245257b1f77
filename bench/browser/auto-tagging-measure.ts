import type { RgbaPixels } from '../../src/lib/ml/vision/image-input';
import type { ImageTagger } from '../../src/lib/ml/vision/image-tagger';

export interface TaggingMeasurement {
  readonly batchSize: number;
  readonly loadMs: number;
  readonly imagesPerSecond: number;
  /** The top label of each picture, to check every runtime agrees. */
  readonly topLabels: string[];
}

/**
 * The same procedure on every runtime: load, one untimed pass, then `passes` timed passes over
 * the pictures in batches of each size (preprocessing included, as the app does it).
 */
export async function measureTagging(
  load: () => Promise<ImageTagger>,
  images: readonly RgbaPixels[],
  batchSizes: readonly number[],
  passes: number,
): Promise<TaggingMeasurement[]> {
  const out: TaggingMeasurement[] = [];
  for (const batchSize of batchSizes) {
    const loadStart = performance.now();
    const tagger = await load();
    const loadMs = performance.now() - loadStart;
    try {
      const pass = async () => {
        const scores: Float32Array[] = [];
        for (let i = 0; i < images.length; i += batchSize) scores.push(...(await tagger.score(images.slice(i, i + batchSize))));
        return scores;
      };
      const first = await pass();
      const start = performance.now();
      for (let i = 0; i < passes; i++) await pass();
      const seconds = (performance.now() - start) / 1000;
      const topLabels = first.map((row) => tagger.labels[row.indexOf(Math.max(...row))]!.name);
      out.push({ batchSize, loadMs, imagesPerSecond: (images.length * passes) / seconds, topLabels });
    } finally {
      await tagger.dispose();
    }
  }
  return out;
}
