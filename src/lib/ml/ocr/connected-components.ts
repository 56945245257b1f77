import type { OcrPoint } from './ocr-types';

/** One 8-connected region of set pixels. */
export interface Component {
  readonly pixels: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  /**
   * The leftmost and rightmost pixel centre of each row: enough for the convex hull, and far
   * fewer points than the region has.
   */
  readonly outline: OcrPoint[];
}

/**
 * The 8-connected regions of a bitmap (non-zero = set), in scan order of their first pixel.
 * 8-connectivity is what `cv2.findContours` traces, which PaddleOCR's DB postprocess uses. The
 * fill is a breadth-first queue over one preallocated array: a text region can hold hundreds of
 * thousands of pixels, far past any recursion or call-stack limit.
 */
export function connectedComponents(bitmap: Uint8Array, width: number, height: number): Component[] {
  const seen = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  const components: Component[] = [];
  for (let start = 0; start < bitmap.length; start++) {
    if (!bitmap[start] || seen[start]) continue;
    seen[start] = 1;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    while (head < tail) {
      const index = queue[head++]!;
      const x = index % width;
      const y = (index - x) / width;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (bitmap[next] && !seen[next]) {
            seen[next] = 1;
            queue[tail++] = next;
          }
        }
      }
    }
    components.push({ pixels: tail, minX, minY, maxX, maxY, outline: rowExtremes(queue, tail, width, minY, maxY) });
  }
  return components;
}

function rowExtremes(queue: Int32Array, count: number, width: number, minY: number, maxY: number): OcrPoint[] {
  const rows = maxY - minY + 1;
  const left = new Int32Array(rows).fill(width);
  const right = new Int32Array(rows).fill(-1);
  for (let i = 0; i < count; i++) {
    const index = queue[i]!;
    const x = index % width;
    const row = (index - x) / width - minY;
    if (x < left[row]!) left[row] = x;
    if (x > right[row]!) right[row] = x;
  }
  const points: OcrPoint[] = [];
  for (let row = 0; row < rows; row++) {
    // Every row between the first and last has a pixel: the region is connected.
    points.push([left[row]!, row + minY]);
    if (right[row] !== left[row]) points.push([right[row]!, row + minY]);
  }
  return points;
}
