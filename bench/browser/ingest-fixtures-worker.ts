/**
 * Worker-side (bundled, started from a Blob URL by the page): generates some of the benchmark's
 * JPEGs, so that two workers share the work. Answers `{ indices }` with the `GeneratedJpeg`s.
 */
import { generateJpeg, jpegGenerator, type GeneratedJpeg } from './ingest-jpeg-fixtures';

export interface FixtureRequest {
  readonly indices: readonly number[];
  readonly targetBytes: number;
}

export type FixtureReply = { ok: true; jpegs: GeneratedJpeg[] } | { ok: false; error: string };

self.onmessage = async (event: MessageEvent<FixtureRequest>) => {
  try {
    const gen = jpegGenerator(event.data.targetBytes);
    const jpegs: GeneratedJpeg[] = [];
    for (const index of event.data.indices) jpegs.push(await generateJpeg(gen, index));
    self.postMessage({ ok: true, jpegs } satisfies FixtureReply);
  } catch (error) {
    self.postMessage({
      ok: false,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    } satisfies FixtureReply);
  }
};
