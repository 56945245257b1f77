import { describe, expect, it } from 'vitest';
import { enqueueChunks } from '../../../src/lib/ui/ingest/enqueue-chunks';

describe('enqueueChunks', () => {
  it('hands over a small first chunk, then larger ones, covering every file once', () => {
    expect(enqueueChunks(0)).toEqual([]);
    expect(enqueueChunks(10)).toEqual([[0, 10]]);
    expect(enqueueChunks(1000)).toEqual([
      [0, 64],
      [64, 564],
      [564, 1000],
    ]);
    for (const total of [1, 63, 64, 65, 564, 565, 5000]) {
      const chunks = enqueueChunks(total);
      expect(chunks[0]![0]).toBe(0);
      expect(chunks.at(-1)![1]).toBe(total);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i]![0]).toBe(chunks[i - 1]![1]);
    }
  });
});
