import { distance } from './ocr-geometry';
import type { OcrLine } from './ocr-types';

interface Placed {
  readonly line: OcrLine;
  readonly centerY: number;
  readonly height: number;
  readonly left: number;
  readonly top: number;
}

/**
 * Lines in reading order: rows top to bottom, each row left to right. Lines whose vertical
 * centres lie within half a line height of a row's belong to it, so words a detector split on
 * one line (or that sit a few pixels apart on a tilted scan) read in the order written.
 */
export function readingOrder(lines: readonly OcrLine[]): OcrLine[] {
  const placed: Placed[] = lines.map((line) => {
    const [p0, p1, p2, p3] = line.box;
    return {
      line,
      centerY: (p0[1] + p1[1] + p2[1] + p3[1]) / 4,
      height: (distance(p0, p3) + distance(p1, p2)) / 2,
      left: Math.min(p0[0], p3[0]),
      top: Math.min(p0[1], p1[1]),
    };
  });
  placed.sort((a, b) => a.centerY - b.centerY || a.left - b.left);
  const rows: { centerY: number; height: number; members: Placed[] }[] = [];
  for (const item of placed) {
    const row = rows.at(-1);
    if (row && Math.abs(item.centerY - row.centerY) <= Math.min(item.height, row.height) / 2) {
      row.members.push(item);
      // The row's centre and height follow its members, so a long row does not drift away from them.
      const n = row.members.length;
      row.centerY += (item.centerY - row.centerY) / n;
      row.height += (item.height - row.height) / n;
    } else {
      rows.push({ centerY: item.centerY, height: item.height, members: [item] });
    }
  }
  rows.sort((a, b) => Math.min(...a.members.map((m) => m.top)) - Math.min(...b.members.map((m) => m.top)));
  return rows.flatMap((row) => row.members.sort((a, b) => a.left - b.left).map((m) => m.line));
}
