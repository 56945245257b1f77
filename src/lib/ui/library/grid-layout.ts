/**
 * The arithmetic of the virtualised grid: which rows are on screen and which cell a key moves
 * to. Pure, so it stays cheap enough to run on every scroll frame.
 */

export interface GridShape {
  readonly columns: number;
  readonly rowHeight: number;
  readonly total: number;
}

export interface VisibleRange {
  /** First index rendered. */
  readonly start: number;
  /** One past the last index rendered. */
  readonly end: number;
}

export function columnsFor(width: number, minCellWidth: number): number {
  return Math.max(1, Math.floor(width / minCellWidth));
}

export function rowCount(shape: GridShape): number {
  return Math.ceil(shape.total / shape.columns);
}

/**
 * Indexes to render for a viewport `top`..`top + height` measured from the grid's top edge
 * (negative when the grid starts below the viewport's top), with `overscan` rows either side.
 */
export function visibleRange(shape: GridShape, top: number, height: number, overscan: number): VisibleRange {
  const rows = rowCount(shape);
  if (rows === 0 || top + height <= 0) return { start: 0, end: 0 };
  const firstRow = Math.max(0, Math.floor(top / shape.rowHeight) - overscan);
  const lastRow = Math.min(rows - 1, Math.floor((top + height) / shape.rowHeight) + overscan);
  if (firstRow > lastRow) return { start: 0, end: 0 };
  return { start: firstRow * shape.columns, end: Math.min(shape.total, (lastRow + 1) * shape.columns) };
}

/** The pages (of `pageSize` items) that hold the indexes start..end-1. */
export function pagesFor(range: VisibleRange, pageSize: number): number[] {
  if (range.end <= range.start) return [];
  const pages: number[] = [];
  for (let page = Math.floor(range.start / pageSize); page <= Math.floor((range.end - 1) / pageSize); page++) pages.push(page);
  return pages;
}

/**
 * Where a key moves focus from `index`, or null when the key is not a grid key. `pageRows` is
 * how many rows PageUp/PageDown jump.
 */
export function moveIndex(index: number, key: string, shape: GridShape, pageRows: number, ctrl = false): number | null {
  const last = shape.total - 1;
  if (last < 0) return null;
  const { columns } = shape;
  const rowStart = index - (index % columns);
  const target = (() => {
    switch (key) {
      case 'ArrowLeft':
        return index - 1;
      case 'ArrowRight':
        return index + 1;
      case 'ArrowUp':
        return index - columns;
      case 'ArrowDown':
        return index + columns;
      case 'PageUp':
        return index - columns * pageRows;
      case 'PageDown':
        return index + columns * pageRows;
      case 'Home':
        return ctrl ? 0 : rowStart;
      case 'End':
        return ctrl ? last : rowStart + columns - 1;
      default:
        return null;
    }
  })();
  if (target === null) return null;
  // Up from the first row stays put; down into a short last row lands on its last cell, and
  // down from the last row stays put.
  if (target < 0) return key === 'ArrowUp' ? index : 0;
  if (target > last) return key === 'ArrowDown' && rowStart + columns > last ? index : last;
  return target;
}
