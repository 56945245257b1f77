import { describe, expect, it } from 'vitest';
import { columnsFor, moveIndex, pagesFor, visibleRange } from '../../../src/lib/ui/library/grid-layout';

const shape = { columns: 6, rowHeight: 180, total: 100_000 };

describe('the virtual grid', () => {
  it('renders only the rows on screen, with overscan, at any depth of a 100k library', () => {
    expect(columnsFor(1000, 160)).toBe(6);
    expect(columnsFor(100, 160)).toBe(1);
    expect(visibleRange(shape, 0, 900, 2)).toEqual({ start: 0, end: 8 * 6 });
    const deep = visibleRange(shape, 180 * 10_000, 900, 2);
    expect(deep).toEqual({ start: 9_998 * 6, end: 10_008 * 6 });
    expect(deep.end - deep.start).toBeLessThan(100);
    expect(visibleRange(shape, 180 * 16_666, 900, 2).end).toBe(100_000);
    expect(visibleRange({ ...shape, total: 0 }, 0, 900, 2)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(shape, -2000, 900, 2)).toEqual({ start: 0, end: 0 });
  });

  it('asks only for the pages that hold the visible cells', () => {
    expect(pagesFor({ start: 190, end: 410 }, 200)).toEqual([0, 1, 2]);
    expect(pagesFor({ start: 0, end: 0 }, 200)).toEqual([]);
  });

  it('moves focus by arrows, rows and pages, and stays inside the grid', () => {
    const small = { columns: 4, rowHeight: 180, total: 10 };
    expect(moveIndex(0, 'ArrowRight', small, 3)).toBe(1);
    expect(moveIndex(1, 'ArrowDown', small, 3)).toBe(5);
    expect(moveIndex(9, 'ArrowDown', small, 3)).toBe(9);
    expect(moveIndex(0, 'ArrowLeft', small, 3)).toBe(0);
    expect(moveIndex(0, 'a', small, 3)).toBeNull();
  });
});
