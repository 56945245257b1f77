// exifr has no `exports` map: Node resolves `main` (a UMD/CommonJS file, so only its default
// export is visible from ESM) and Vite resolves `module` (an ES module whose default export is
// the same object). The default import is the one form that works in both.
import exifr from 'exifr';

/** What the EXIF/IPTC/XMP blocks of a picture say, in the shape the asset components need. */
export interface ExifExtraction {
  /**
   * When the picture was taken: EXIF `DateTimeOriginal` (else `CreateDate`) with its sub-seconds.
   * EXIF wall-clock times carry no zone; when `OffsetTimeOriginal` (`OffsetTimeDigitized`) gives
   * one it is applied, otherwise the wall-clock time is read as UTC, so the same file gives the
   * same instant on every machine. Falls back to XMP `photoshop:DateCreated` / `xmp:CreateDate`.
   */
  readonly takenAt: Date | null;
  readonly cameraMake: string | null;
  readonly cameraModel: string | null;
  /** Decimal degrees, north positive. */
  readonly gpsLatitude: number | null;
  /** Decimal degrees, east positive. */
  readonly gpsLongitude: number | null;
  /** EXIF orientation, 1–8. */
  readonly orientation: number | null;
  /**
   * Every parsed block (`ifd0`, `exif`, `gps`, `ifd1`, `iptc`, XMP namespaces such as `dc`), made
   * JSON-safe: raw tag values (EXIF dates stay `YYYY:MM:DD HH:MM:SS` strings), Dates as ISO
   * strings, short byte arrays as text (printable ASCII) or hex, long ones and maker notes
   * dropped, strings trimmed of NULs and whitespace, no `undefined`, no non-finite numbers.
   */
  readonly metadata: Record<string, unknown>;
  /** The embedded EXIF (IFD1) JPEG thumbnail, when there is one. */
  readonly embeddedThumbnail: Uint8Array | null;
}

const PARSE_OPTIONS = {
  tiff: true,
  ifd1: true,
  exif: true,
  gps: true,
  interop: false,
  iptc: true,
  xmp: true,
  icc: false,
  jfif: false,
  ihdr: false,
  makerNote: false,
  userComment: false,
  mergeOutput: false,
  translateKeys: true,
  // Numeric codes (Orientation 6, not "Rotate 90 CW") and raw date strings: exifr turns EXIF
  // dates into Dates in the machine's local zone, which would make `takenAt` depend on it.
  translateValues: false,
  reviveValues: false,
  sanitize: true,
} as const;

/** Keys never copied into `metadata` (binary blobs, or bytes located elsewhere). */
const DROPPED_KEYS: ReadonlySet<string> = new Set(['MakerNote', 'makerNote', 'ThumbnailImage', 'thumbnail', 'PrintIM']);
const MAX_BYTES_KEPT = 64;
const MAX_STRING_LENGTH = 16_384;
const MAX_ARRAY_LENGTH = 1_024;
const MAX_DEPTH = 8;

/**
 * Reads EXIF, GPS, IPTC and XMP from a JPEG, TIFF, HEIC/AVIF, PNG or WebP. Null when the bytes
 * hold no such metadata, are not a format exifr reads, or are too damaged to parse; never throws.
 */
export async function extractExif(bytes: Uint8Array): Promise<ExifExtraction | null> {
  let parsed: unknown;
  try {
    parsed = await exifr.parse(bytes, PARSE_OPTIONS);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  // exifr reports what it could not parse in `errors` (its `silentErrors` default) rather than failing.
  const { errors: _errors, ...blocks } = parsed;
  const metadata = jsonSafeRecord(blocks, 0);
  if (Object.keys(metadata).length === 0) return null;

  const ifd0 = recordAt(parsed, 'ifd0');
  const exif = recordAt(parsed, 'exif');
  const gps = recordAt(parsed, 'gps');
  return {
    takenAt: takenAtOf(exif, parsed),
    cameraMake: cleanString(ifd0['Make']),
    cameraModel: cleanString(ifd0['Model']),
    gpsLatitude: coordinate(gps['latitude'], 90),
    gpsLongitude: coordinate(gps['longitude'], 180),
    orientation: orientationOf(ifd0['Orientation']),
    metadata,
    embeddedThumbnail: await thumbnailOf(bytes),
  };
}

async function thumbnailOf(bytes: Uint8Array): Promise<Uint8Array | null> {
  let thumb: Uint8Array | undefined;
  try {
    thumb = await exifr.thumbnail(bytes);
  } catch {
    return null;
  }
  if (!(thumb instanceof Uint8Array) || thumb.length < 4 || thumb[0] !== 0xff || thumb[1] !== 0xd8) return null;
  // A plain Uint8Array of its own (exifr hands out a Buffer or a view into the whole file).
  return new Uint8Array(thumb);
}

function takenAtOf(exif: Record<string, unknown>, parsed: Record<string, unknown>): Date | null {
  const fromExif =
    exifDate(exif['DateTimeOriginal'], exif['SubSecTimeOriginal'], exif['OffsetTimeOriginal']) ??
    exifDate(exif['CreateDate'], exif['SubSecTimeDigitized'], exif['OffsetTimeDigitized']);
  if (fromExif) return fromExif;
  return xmpDate(recordAt(parsed, 'photoshop')['DateCreated']) ?? xmpDate(recordAt(parsed, 'xmp')['CreateDate']);
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const ZONE = /^([+-])(\d{2}):?(\d{2})$/;

/** `YYYY:MM:DD HH:MM:SS` + sub-seconds + `±HH:MM` → an instant; UTC when there is no zone. */
function exifDate(value: unknown, subSeconds: unknown, offset: unknown): Date | null {
  const text = cleanString(value);
  const match = text === null ? null : EXIF_DATE.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const subText = cleanString(typeof subSeconds === 'number' ? String(subSeconds) : subSeconds);
  const millis = subText !== null && /^\d+$/.test(subText) ? Math.floor(Number(`0.${subText}`) * 1000) : 0;
  let time = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const zone = cleanString(offset);
  const zoneMatch = zone === null ? null : ZONE.exec(zone);
  if (zoneMatch) {
    const sign = zoneMatch[1] === '-' ? -1 : 1;
    time -= sign * (Number(zoneMatch[2]) * 60 + Number(zoneMatch[3])) * 60_000;
  }
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** An XMP date (ISO 8601, zone optional; read as UTC without one). */
function xmpDate(value: unknown): Date | null {
  const text = cleanString(value);
  if (text === null || !/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(text) && text.length > 10;
  const iso = text.length === 10 ? `${text}T00:00:00Z` : hasZone ? text : `${text}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function coordinate(value: unknown, limit: number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

function orientationOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 8 ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof Date);
}

function recordAt(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  return isRecord(value) ? value : {};
}

/** Trimmed of NULs, other control characters at the ends, and whitespace; null when empty. */
function cleanString(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const trimmed = value.replace(/^[\s\u0000-\u001f]+|[\s\u0000-\u001f]+$/g, '');
  return trimmed === '' ? null : trimmed;
}

function jsonSafeRecord(record: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (DROPPED_KEYS.has(key)) continue;
    const safe = jsonSafe(value, depth + 1);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}

/** A JSON-safe copy of `value`, or undefined to leave it out. */
function jsonSafe(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (value === null) return null;
  switch (typeof value) {
    case 'string': {
      const text = cleanString(value);
      return text !== null && text.length <= MAX_STRING_LENGTH ? text : undefined;
    }
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (value instanceof Uint8Array) return bytesToText(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return undefined;
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY_LENGTH) return undefined;
    return value.map((item) => jsonSafe(item, depth + 1) ?? null);
  }
  if (isRecord(value)) {
    const record = jsonSafeRecord(value, depth);
    return Object.keys(record).length > 0 ? record : undefined;
  }
  return undefined;
}

/** Short byte values (version tags, component configurations…): text when printable ASCII, else hex. */
function bytesToText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || bytes.length > MAX_BYTES_KEPT) return undefined;
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const body = bytes.subarray(0, end);
  if (body.length > 0 && body.every((b) => b >= 0x20 && b < 0x7f)) return cleanString(String.fromCharCode(...body)) ?? undefined;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
