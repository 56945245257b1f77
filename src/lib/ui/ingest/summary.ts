import type { IngestFileResult, PendingWorkSummary } from '../../api/dam-api';
import { formatCount } from '../format';

export interface IngestSummary {
  readonly added: number;
  /** The same bytes were already in the library. */
  readonly known: number;
  readonly failed: readonly IngestFileResult[];
}

export function summarize(recent: readonly IngestFileResult[]): IngestSummary {
  let added = 0;
  let known = 0;
  const failed: IngestFileResult[] = [];
  for (const result of recent) {
    if (result.error !== null) failed.push(result);
    else if (result.created) added++;
    else known++;
  }
  return { added, known, failed };
}

/** "12 added, 3 already in the library, 1 not added." (the last part only when some failed). */
export function summarySentence(summary: IngestSummary): string {
  const notAdded = summary.failed.length ? `, ${formatCount(summary.failed.length)} not added` : '';
  return `${formatCount(summary.added)} added, ${formatCount(summary.known)} already in the library${notAdded}.`;
}

/** What a background step is called for the person, from its marker's name. */
export function pendingWorkLabel(marker: string): string {
  if (/thumbnail/i.test(marker)) return 'Making thumbnails';
  if (/metadata/i.test(marker)) return 'Reading metadata';
  if (/hash|similar|perceptual/i.test(marker)) return 'Comparing images';
  if (/archive|zip|unpack/i.test(marker)) return 'Unpacking archives';
  if (/ImageEmbedding/.test(marker)) return 'Indexing pictures for search';
  if (/Ocr/.test(marker)) return 'Reading text in pictures';
  // `NeedsFooBarMarker` → "Foo bar".
  const words = marker
    .replace(/^Needs/, '')
    .replace(/Marker$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : marker;
}

/** Thumbnails still to make: when this drops, the grid has new pictures to show. */
export function thumbnailsLeft(pending: readonly PendingWorkSummary[]): number {
  return pending.filter((work) => /thumbnail/i.test(work.marker)).reduce((sum, work) => sum + work.count, 0);
}

export function workLeft(pending: readonly PendingWorkSummary[]): number {
  return pending.reduce((sum, work) => sum + work.count, 0);
}
