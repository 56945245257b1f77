import type { DuplicateReport } from '../../lib/api/dam-api';
import { flag, integerOption } from '../args';
import { UsageError } from '../errors';
import { formatBytes } from '../output';
import type { Command } from './command';

const CSV_HEADER = ['kind', 'group', 'entity_id', 'name', 'size_bytes', 'distance', 'location'];

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One row per place a file was found (exact duplicates: the same bytes at several locations)
 * and one per picture of a near-duplicate group; `group` numbers them together.
 */
export function duplicatesCsv(report: DuplicateReport): string {
  const rows: (string | number | null)[][] = [CSV_HEADER];
  let group = 0;
  for (const exact of report.exact) {
    group++;
    for (const location of exact.locations) rows.push(['exact', group, exact.entityId, exact.name, exact.sizeBytes, null, location]);
  }
  for (const near of report.near) {
    group++;
    for (const member of near.members) rows.push(['near', group, member.id, member.name, member.sizeBytes, member.distance, null]);
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export const reportDuplicates: Command = {
  name: 'report duplicates',
  summary: 'list files kept in several places, and pictures that look nearly the same',
  usage: 'dam report duplicates [--csv] [--threshold N]',
  description:
    'Exact duplicates are one asset found at several locations; near duplicates are pictures within --threshold bits of\n' +
    'each other by pHash (default 4), the suggested one to keep first. --csv prints one row per location or picture.',
  options: {
    csv: { type: 'boolean', description: 'print CSV with a header row' },
    threshold: { type: 'string', value: 'N', description: 'most differing pHash bits for near duplicates (0-64)' },
  },
  arity: { min: 0, max: 0 },
  async run({ out, args, world, session }) {
    const csv = flag(args, 'csv');
    if (csv && out.json) throw new UsageError('Choose --csv or --json, not both');
    const threshold = integerOption(args, 'threshold', 0, 64);
    const s = await session();
    const name = await s.openWorld(world);
    const report = await s.app.duplicateReport(threshold === undefined ? {} : { threshold });
    if (csv) {
      out.raw(duplicatesCsv(report));
      return;
    }
    out.result({ world: name, ...report }, () => [
      `${report.exact.length} asset(s) found in more than one place:`,
      ...report.exact.flatMap((e) => [
        `  ${e.entityId} ${e.name ?? ''} (${formatBytes(e.sizeBytes)})`,
        ...e.locations.map((l) => `      ${l}`),
      ]),
      `${report.near.length} group(s) of near-duplicate pictures:`,
      ...report.near.flatMap((g, i) => [
        `  group ${i + 1}:`,
        ...g.members.map(
          (m, k) => `      ${k === 0 ? 'keep ' : '     '}${m.id} ${m.name ?? ''} (${formatBytes(m.sizeBytes)}, distance ${m.distance})`,
        ),
      ]),
    ]);
  },
};
