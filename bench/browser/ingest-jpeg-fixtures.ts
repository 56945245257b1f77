/**
 * Page-side (bundled for the browser, no Node APIs): deterministic camera-like JPEGs for the
 * ingest benchmark. Each index draws its own synthetic scene on an OffscreenCanvas, encodes it
 * with `convertToBlob('image/jpeg')` at a quality searched so the file is about the target size,
 * then replaces the encoder's JFIF APP0 with an APP1 EXIF segment written by the small TIFF
 * writer below: IFD0 (Make, Model, Orientation, DateTime, resolution), the EXIF IFD
 * (DateTimeOriginal, exposure, ISO, pixel size), the GPS IFD, and IFD1 with a 160×107 JPEG
 * thumbnail, as a camera writes it.
 */

/** mulberry32: a small, fast, seedable PRNG; the same seed gives the same scene everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- TIFF / EXIF writer

const TYPE_BYTE = 1;
const TYPE_ASCII = 2;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;
const TYPE_RATIONAL = 5;
const TYPE_UNDEFINED = 7;
const TYPE_SIZES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1 };

/** One IFD entry. `values`: numbers (rationals as [numerator, denominator] pairs), a string, or bytes. */
export interface TiffEntry {
  readonly tag: number;
  readonly type: number;
  readonly values: readonly number[] | readonly (readonly [number, number])[] | string | Uint8Array;
}

interface IfdPlan {
  readonly entries: TiffEntry[];
  /** Pointer tags filled in once every IFD's offset is known. */
  readonly pointers: { tag: number; target: string }[];
  readonly next: string | null;
  offset: number;
  size: number;
}

function entryCount(entry: TiffEntry): number {
  if (typeof entry.values === 'string') return entry.values.length + 1; // ASCII with its NUL
  return entry.values.length;
}

function entryBytes(entry: TiffEntry): number {
  return entryCount(entry) * TYPE_SIZES[entry.type]!;
}

function writeValues(view: DataView, at: number, entry: TiffEntry): void {
  const { type, values } = entry;
  if (typeof values === 'string') {
    for (let i = 0; i < values.length; i++) view.setUint8(at + i, values.charCodeAt(i) & 0x7f);
    view.setUint8(at + values.length, 0);
    return;
  }
  if (values instanceof Uint8Array) {
    for (let i = 0; i < values.length; i++) view.setUint8(at + i, values[i]!);
    return;
  }
  (values as readonly (number | readonly [number, number])[]).forEach((value, i) => {
    if (type === TYPE_RATIONAL) {
      const [num, den] = value as readonly [number, number];
      view.setUint32(at + i * 8, num);
      view.setUint32(at + i * 8 + 4, den);
    } else if (type === TYPE_SHORT) view.setUint16(at + i * 2, value as number);
    else if (type === TYPE_LONG) view.setUint32(at + i * 4, value as number);
    else view.setUint8(at + i, value as number);
  });
}

/**
 * A big-endian ("MM") TIFF structure: the IFDs in the order given, each followed by the values
 * that do not fit in an entry, then `trailer` (the IFD1 thumbnail), whose offset is written into
 * the tag `trailerOffsetTag` of the IFD named `trailerIfd`.
 */
export function writeTiff(
  ifds: { name: string; entries: TiffEntry[]; pointers?: { tag: number; target: string }[]; next?: string }[],
  trailer?: { bytes: Uint8Array; ifd: string; offsetTag: number; lengthTag: number },
): Uint8Array {
  const plans = new Map<string, IfdPlan>();
  let offset = 8;
  for (const ifd of ifds) {
    const entries = [...ifd.entries];
    const pointers = ifd.pointers ?? [];
    // Placeholders: pointers and the trailer's offset and length are LONGs patched below.
    for (const p of pointers) entries.push({ tag: p.tag, type: TYPE_LONG, values: [0] });
    if (trailer && trailer.ifd === ifd.name) {
      entries.push({ tag: trailer.offsetTag, type: TYPE_LONG, values: [0] });
      entries.push({ tag: trailer.lengthTag, type: TYPE_LONG, values: [trailer.bytes.length] });
    }
    entries.sort((a, b) => a.tag - b.tag);
    let size = 2 + entries.length * 12 + 4;
    for (const e of entries) {
      const n = entryBytes(e);
      if (n > 4) size += n + (n % 2);
    }
    plans.set(ifd.name, { entries, pointers, next: ifd.next ?? null, offset, size });
    offset += size;
  }
  const trailerOffset = offset;
  const total = offset + (trailer?.bytes.length ?? 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x4d4d); // "MM"
  view.setUint16(2, 42);
  view.setUint32(4, 8);
  for (const plan of plans.values()) {
    let at = plan.offset;
    let data = plan.offset + 2 + plan.entries.length * 12 + 4;
    view.setUint16(at, plan.entries.length);
    at += 2;
    for (const e of plan.entries) {
      view.setUint16(at, e.tag);
      view.setUint16(at + 2, e.type);
      view.setUint32(at + 4, entryCount(e));
      const pointer = plan.pointers.find((p) => p.tag === e.tag);
      let value: TiffEntry = e;
      if (pointer) value = { ...e, values: [plans.get(pointer.target)!.offset] };
      else if (trailer && plans.get(trailer.ifd) === plan && e.tag === trailer.offsetTag) value = { ...e, values: [trailerOffset] };
      const n = entryBytes(value);
      if (n <= 4) writeValues(view, at + 8, value);
      else {
        view.setUint32(at + 8, data);
        writeValues(view, data, value);
        data += n + (n % 2);
      }
      at += 12;
    }
    view.setUint32(at, plan.next ? plans.get(plan.next)!.offset : 0);
  }
  if (trailer) out.set(trailer.bytes, trailerOffset);
  return out;
}

export interface CameraExif {
  readonly make: string;
  readonly model: string;
  /** `YYYY:MM:DD HH:MM:SS`. */
  readonly dateTimeOriginal: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly altitudeMeters: number;
  readonly width: number;
  readonly height: number;
  readonly exposure: readonly [number, number];
  readonly fNumber: readonly [number, number];
  readonly iso: number;
  readonly focalLength: readonly [number, number];
  /** The IFD1 thumbnail, a baseline JPEG. */
  readonly thumbnail: Uint8Array;
}

function dms(value: number): [number, number][] {
  const abs = Math.abs(value);
  const degrees = Math.floor(abs);
  const minutes = Math.floor((abs - degrees) * 60);
  const seconds = Math.round(((abs - degrees) * 60 - minutes) * 60 * 1000);
  return [
    [degrees, 1],
    [minutes, 1],
    [seconds, 1000],
  ];
}

/** The TIFF structure of an EXIF APP1 segment (what follows `Exif\0\0`). */
export function cameraTiff(exif: CameraExif): Uint8Array {
  const resolution: TiffEntry[] = [
    { tag: 0x011a, type: TYPE_RATIONAL, values: [[72, 1]] }, // XResolution
    { tag: 0x011b, type: TYPE_RATIONAL, values: [[72, 1]] }, // YResolution
    { tag: 0x0128, type: TYPE_SHORT, values: [2] }, // ResolutionUnit: inches
  ];
  return writeTiff(
    [
      {
        name: 'ifd0',
        entries: [
          { tag: 0x010f, type: TYPE_ASCII, values: exif.make },
          { tag: 0x0110, type: TYPE_ASCII, values: exif.model },
          { tag: 0x0112, type: TYPE_SHORT, values: [1] }, // Orientation
          ...resolution,
          { tag: 0x0131, type: TYPE_ASCII, values: 'DAM bench fixture 1.0' }, // Software
          { tag: 0x0132, type: TYPE_ASCII, values: exif.dateTimeOriginal }, // DateTime
        ],
        pointers: [
          { tag: 0x8769, target: 'exif' },
          { tag: 0x8825, target: 'gps' },
        ],
        next: 'ifd1',
      },
      {
        name: 'exif',
        entries: [
          { tag: 0x829a, type: TYPE_RATIONAL, values: [exif.exposure] }, // ExposureTime
          { tag: 0x829d, type: TYPE_RATIONAL, values: [exif.fNumber] }, // FNumber
          { tag: 0x8827, type: TYPE_SHORT, values: [exif.iso] }, // ISO
          { tag: 0x9000, type: TYPE_UNDEFINED, values: new TextEncoder().encode('0232') }, // ExifVersion
          { tag: 0x9003, type: TYPE_ASCII, values: exif.dateTimeOriginal }, // DateTimeOriginal
          { tag: 0x9004, type: TYPE_ASCII, values: exif.dateTimeOriginal }, // CreateDate
          { tag: 0x9011, type: TYPE_ASCII, values: '+01:00' }, // OffsetTimeOriginal
          { tag: 0x920a, type: TYPE_RATIONAL, values: [exif.focalLength] }, // FocalLength
          { tag: 0xa001, type: TYPE_SHORT, values: [1] }, // ColorSpace: sRGB
          { tag: 0xa002, type: TYPE_LONG, values: [exif.width] }, // PixelXDimension
          { tag: 0xa003, type: TYPE_LONG, values: [exif.height] }, // PixelYDimension
        ],
      },
      {
        name: 'gps',
        entries: [
          { tag: 0x0000, type: TYPE_BYTE, values: [2, 3, 0, 0] }, // GPSVersionID
          { tag: 0x0001, type: TYPE_ASCII, values: exif.latitude >= 0 ? 'N' : 'S' },
          { tag: 0x0002, type: TYPE_RATIONAL, values: dms(exif.latitude) },
          { tag: 0x0003, type: TYPE_ASCII, values: exif.longitude >= 0 ? 'E' : 'W' },
          { tag: 0x0004, type: TYPE_RATIONAL, values: dms(exif.longitude) },
          { tag: 0x0005, type: TYPE_BYTE, values: [0] }, // above sea level
          { tag: 0x0006, type: TYPE_RATIONAL, values: [[Math.round(exif.altitudeMeters * 10), 10]] },
        ],
      },
      {
        name: 'ifd1',
        entries: [{ tag: 0x0103, type: TYPE_SHORT, values: [6] }, ...resolution], // Compression: JPEG
      },
    ],
    { bytes: exif.thumbnail, ifd: 'ifd1', offsetTag: 0x0201, lengthTag: 0x0202 },
  );
}

/**
 * The JPEG with its APP0 (JFIF) segments dropped and an APP1 `Exif\0\0` + TIFF segment right
 * after SOI, where cameras put it.
 */
export function spliceExif(jpeg: Uint8Array, tiff: Uint8Array): Uint8Array<ArrayBuffer> {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('Not a JPEG');
  const segmentLength = 2 + 6 + tiff.length;
  if (segmentLength > 0xffff) throw new Error(`EXIF segment too large (${segmentLength} bytes)`);
  // Skip the APP0 segments that follow SOI.
  let pos = 2;
  while (jpeg[pos] === 0xff && jpeg[pos + 1] === 0xe0) pos += 2 + ((jpeg[pos + 2]! << 8) | jpeg[pos + 3]!);
  const out = new Uint8Array(2 + 2 + segmentLength + (jpeg.length - pos));
  out.set([0xff, 0xd8, 0xff, 0xe1, segmentLength >> 8, segmentLength & 0xff], 0);
  out.set([0x45, 0x78, 0x69, 0x66, 0, 0], 6); // "Exif\0\0"
  out.set(tiff, 12);
  out.set(jpeg.subarray(pos), 12 + tiff.length);
  return out;
}

// ---------------------------------------------------------------- scenes

export const JPEG_WIDTH = 1600;
export const JPEG_HEIGHT = 1067;
export const THUMB_WIDTH = 160;
export const THUMB_HEIGHT = 107;

const CAMERAS: readonly (readonly [string, string])[] = [
  ['Canon', 'Canon EOS R6'],
  ['NIKON CORPORATION', 'NIKON Z 6_2'],
  ['SONY', 'ILCE-7M3'],
  ['FUJIFILM', 'X-T4'],
  ['Apple', 'iPhone 13 Pro'],
];

function hsl(h: number, s: number, l: number, a = 1): string {
  return `hsla(${Math.round(h)}, ${Math.round(s)}%, ${Math.round(l)}%, ${a})`;
}

/** A landscape-like scene: sky gradient, hills, shapes and a fine texture (so JPEG has work to do). */
export function drawScene(ctx: OffscreenCanvasRenderingContext2D, index: number, noise: OffscreenCanvas): void {
  const rand = prng(0x9e3779b9 ^ (index * 2654435761));
  const w = JPEG_WIDTH;
  const h = JPEG_HEIGHT;
  const hue = rand() * 360;
  const sky = ctx.createLinearGradient(0, 0, 0, h);
  sky.addColorStop(0, hsl(hue, 60, 25 + rand() * 30));
  sky.addColorStop(0.55, hsl(hue + 40, 50, 55 + rand() * 25));
  sky.addColorStop(1, hsl(hue + 90, 40, 30 + rand() * 20));
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, w, h);
  // Hills.
  for (let layer = 0; layer < 4; layer++) {
    ctx.beginPath();
    const base = h * (0.45 + layer * 0.13);
    ctx.moveTo(0, h);
    for (let x = 0; x <= w; x += 40) ctx.lineTo(x, base + Math.sin(x / (90 + rand() * 200) + rand() * 6) * (30 + rand() * 40));
    ctx.lineTo(w, h);
    ctx.closePath();
    ctx.fillStyle = hsl(hue + 120 + layer * 15 + rand() * 30, 35 + rand() * 30, 20 + layer * 8 + rand() * 10);
    ctx.fill();
  }
  // Shapes.
  const shapes = 40 + Math.floor(rand() * 40);
  for (let i = 0; i < shapes; i++) {
    ctx.fillStyle = hsl(rand() * 360, 40 + rand() * 50, 20 + rand() * 60, 0.3 + rand() * 0.6);
    const x = rand() * w;
    const y = rand() * h;
    const r = 8 + rand() * 90;
    ctx.beginPath();
    if (rand() < 0.5) ctx.arc(x, y, r, 0, Math.PI * 2);
    else ctx.rect(x - r, y - r * 0.6, r * 2, r * 1.2);
    ctx.fill();
  }
  // Texture: a tiled noise pattern at low alpha, shifted per image.
  ctx.globalAlpha = 0.16 + rand() * 0.06;
  ctx.globalCompositeOperation = 'overlay';
  ctx.fillStyle = ctx.createPattern(noise, 'repeat')!;
  ctx.save();
  ctx.translate(Math.floor(rand() * 128), Math.floor(rand() * 128));
  ctx.fillRect(-128, -128, w + 256, h + 256);
  ctx.restore();
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
  // A label, as photos often have text-like detail.
  ctx.fillStyle = hsl(hue + 180, 20, 90, 0.8);
  ctx.font = '48px sans-serif';
  ctx.fillText(`DAM bench #${index}`, 40 + rand() * 600, 80 + rand() * 800);
}

/** A 128×128 grey noise tile. */
export function noiseTile(seed = 1): OffscreenCanvas {
  const size = 128;
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(size, size);
  const rand = prng(seed);
  for (let i = 0; i < image.data.length; i += 4) {
    const v = Math.floor(rand() * 256);
    image.data[i] = v;
    image.data[i + 1] = v;
    image.data[i + 2] = v;
    image.data[i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** How far from the target size a picture may end up before its quality is searched again. */
const TOLERANCE = 0.15;

export interface GeneratedJpeg {
  readonly index: number;
  readonly name: string;
  readonly blob: Blob;
  readonly quality: number;
  readonly thumbnailBytes: number;
  readonly lastModified: number;
}

export interface JpegGenerator {
  /** Quality that gave about the target size last time: the next search starts there. */
  quality: number;
  readonly targetBytes: number;
  readonly canvas: OffscreenCanvas;
  readonly thumb: OffscreenCanvas;
  readonly noise: OffscreenCanvas;
}

export function jpegGenerator(targetBytes = 100_000): JpegGenerator {
  return {
    quality: 0.7,
    targetBytes,
    canvas: new OffscreenCanvas(JPEG_WIDTH, JPEG_HEIGHT),
    thumb: new OffscreenCanvas(THUMB_WIDTH, THUMB_HEIGHT),
    noise: noiseTile(),
  };
}

/** Date in 2023 from the index, `YYYY:MM:DD HH:MM:SS`. */
function exifDateFor(index: number): string {
  const t = new Date(Date.UTC(2023, 0, 1) + index * 3_600_000 * 7.3);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}:${p(t.getUTCMonth() + 1)}:${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}`;
}

/**
 * Draws and encodes picture `index`: the quality is searched (at most 4 encodes) until the
 * file is within ±15% of the target size, starting from the quality that worked last time.
 */

export async function generateJpeg(gen: JpegGenerator, index: number): Promise<GeneratedJpeg> {
  const ctx = gen.canvas.getContext('2d')!;
  drawScene(ctx, index, gen.noise);
  const tctx = gen.thumb.getContext('2d')!;
  tctx.imageSmoothingQuality = 'high';
  tctx.drawImage(gen.canvas, 0, 0, THUMB_WIDTH, THUMB_HEIGHT);
  const thumbnail = new Uint8Array(await (await gen.thumb.convertToBlob({ type: 'image/jpeg', quality: 0.7 })).arrayBuffer());
  const rand = prng(index * 7919 + 17);
  const [make, model] = CAMERAS[index % CAMERAS.length]!;
  const tiff = cameraTiff({
    make,
    model,
    dateTimeOriginal: exifDateFor(index),
    latitude: 35 + rand() * 20,
    longitude: -10 + rand() * 40,
    altitudeMeters: rand() * 2000,
    width: JPEG_WIDTH,
    height: JPEG_HEIGHT,
    exposure: [1, [60, 125, 250, 500, 1000][index % 5]!],
    fNumber: [
      [28, 10],
      [40, 10],
      [56, 10],
      [80, 10],
    ][index % 4]! as [number, number],
    iso: [100, 200, 400, 800, 1600][index % 5]!,
    focalLength: [24 + (index % 7) * 10, 1],
    thumbnail,
  });
  const exifBytes = 12 + tiff.length;
  // The quality search: size grows roughly linearly in quality over the useful range.
  let low = 0.05;
  let high = 0.98;
  let quality = gen.quality;
  let encoded = new Uint8Array(0);
  for (let attempt = 0; attempt < 4; attempt++) {
    encoded = new Uint8Array(await (await gen.canvas.convertToBlob({ type: 'image/jpeg', quality })).arrayBuffer());
    const size = encoded.length + exifBytes;
    const ratio = size / gen.targetBytes;
    if (Math.abs(ratio - 1) <= TOLERANCE || attempt === 3) break;
    if (ratio > 1) high = quality;
    else low = quality;
    // Step proportionally, kept inside the bracket.
    const guess = quality - (ratio - 1) * 0.35;
    quality = Math.min(high - 0.01, Math.max(low + 0.01, guess));
  }
  gen.quality = quality;
  const bytes = spliceExif(encoded, tiff);
  return {
    index,
    name: `IMG_${String(index).padStart(5, '0')}.jpg`,
    blob: new Blob([bytes], { type: 'image/jpeg' }),
    quality,
    thumbnailBytes: thumbnail.length,
    lastModified: Date.UTC(2024, 0, 1) + index * 1000,
  };
}
