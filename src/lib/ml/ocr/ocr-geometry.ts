import type { OcrPoint } from './ocr-types';

/**
 * The few geometry steps PaddleOCR takes from OpenCV (`cv2.minAreaRect`, `cv2.boxPoints`, its
 * `get_mini_boxes` corner order, pyclipper's offset for `unclip`), written out so that OCR does
 * not need opencv.js.
 */

export type Quad = readonly [OcrPoint, OcrPoint, OcrPoint, OcrPoint];

/** A rotated rectangle: centre, unit vector along its `width` side, side lengths. */
export interface RotatedRect {
  readonly center: OcrPoint;
  readonly axis: OcrPoint;
  readonly width: number;
  readonly height: number;
}

const cross = (o: OcrPoint, a: OcrPoint, b: OcrPoint) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Andrew's monotone chain; collinear points are dropped. Fewer than 3 distinct points come back as they are (deduplicated). */
export function convexHull(points: readonly OcrPoint[]): OcrPoint[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const unique = sorted.filter((p, i) => i === 0 || p[0] !== sorted[i - 1]![0] || p[1] !== sorted[i - 1]![1]);
  if (unique.length < 3) return unique;
  const half = (list: readonly OcrPoint[]) => {
    const chain: OcrPoint[] = [];
    for (const p of list) {
      while (chain.length >= 2 && cross(chain[chain.length - 2]!, chain[chain.length - 1]!, p) <= 0) chain.pop();
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  return [...half(unique), ...half([...unique].reverse())];
}

/**
 * The smallest-area rectangle around the points. Such a rectangle has a side on an edge of the
 * convex hull, so each edge is tried as that side (the calipers) and the hull projected on it.
 */
export function minAreaRect(points: readonly OcrPoint[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { center: [0, 0], axis: [1, 0], width: 0, height: 0 };
  if (hull.length === 1) return { center: hull[0]!, axis: [1, 0], width: 0, height: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (length === 0) continue;
    const u: OcrPoint = [(b[0] - a[0]) / length, (b[1] - a[1]) / length];
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const pu = (p[0] - a[0]) * u[0] + (p[1] - a[1]) * u[1];
      const pv = -(p[0] - a[0]) * u[1] + (p[1] - a[1]) * u[0];
      minU = Math.min(minU, pu);
      maxU = Math.max(maxU, pu);
      minV = Math.min(minV, pv);
      maxV = Math.max(maxV, pv);
    }
    const area = (maxU - minU) * (maxV - minV);
    // Ties (a line's two edges, a square's four) keep the first, so results do not flicker.
    if (area < bestArea - 1e-9 || !best) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = {
        center: [a[0] + cu * u[0] - cv * u[1], a[1] + cu * u[1] + cv * u[0]],
        axis: u,
        width: maxU - minU,
        height: maxV - minV,
      };
    }
  }
  return best!;
}

/**
 * The rectangle's corners in PaddleOCR's `get_mini_boxes` order: of the two leftmost corners
 * the upper is first and the lower last; of the two rightmost the upper is second. For text
 * tilted less than 45° that is top left, top right, bottom right, bottom left.
 */
export function rectCorners(rect: RotatedRect): Quad {
  const [cx, cy] = rect.center;
  const [ux, uy] = rect.axis;
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  const corners: OcrPoint[] = [
    [cx - ux * hw + uy * hh, cy - uy * hw - ux * hh],
    [cx + ux * hw + uy * hh, cy + uy * hw - ux * hh],
    [cx + ux * hw - uy * hh, cy + uy * hw + ux * hh],
    [cx - ux * hw - uy * hh, cy - uy * hw + ux * hh],
  ];
  const byX = corners.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const [l1, l2, r1, r2] = byX as [OcrPoint, OcrPoint, OcrPoint, OcrPoint];
  const [topLeft, bottomLeft] = l1[1] <= l2[1] ? [l1, l2] : [l2, l1];
  const [topRight, bottomRight] = r1[1] <= r2[1] ? [r1, r2] : [r2, r1];
  return [topLeft, topRight, bottomRight, bottomLeft];
}

/**
 * DBNet's `unclip`: the detector marks a shrunk core of each text region, which is grown back
 * by d = area × ratio / perimeter. PaddleOCR offsets the polygon with round joins and takes the
 * min-area rectangle again, which for a rectangle is the rectangle with every side moved out by d.
 */
export function unclipRect(rect: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (rect.width + rect.height);
  if (perimeter === 0) return rect;
  const distance = (rect.width * rect.height * ratio) / perimeter;
  return { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
}

/**
 * Whether (x, y) lies in the convex quad, boundary included: `tolerance` (pixels) lets pixels
 * the edge passes through count, as a filled polygon's rasterisation does.
 */
export function quadContains(quad: Quad, x: number, y: number, tolerance = 0): boolean {
  const area = quadArea(quad);
  const sign = area >= 0 ? 1 : -1;
  for (let i = 0; i < 4; i++) {
    const a = quad[i]!;
    const b = quad[(i + 1) % 4]!;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    if ((sign * cross(a, b, [x, y])) / length < -tolerance) return false;
  }
  return true;
}

/** Signed area (shoelace); positive for corners clockwise on screen (y grows downwards). */
export function quadArea(quad: Quad): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    const a = quad[i]!;
    const b = quad[(i + 1) % 4]!;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum / 2;
}

export const distance = (a: OcrPoint, b: OcrPoint) => Math.hypot(a[0] - b[0], a[1] - b[1]);

export const mapQuad = (quad: Quad, f: (point: OcrPoint) => OcrPoint): Quad => [f(quad[0]), f(quad[1]), f(quad[2]), f(quad[3])];
