import { Inflate } from 'fflate';

/** One member of a zip, as its central directory describes it. */
export interface ZipEntry {
  /** The path inside the archive, as stored (UTF-8, or CP437 read as Latin-1). */
  readonly path: string;
  readonly compressedSize: number;
  readonly size: number;
  readonly method: number;
  readonly encrypted: boolean;
  readonly isDirectory: boolean;
  /** The DOS timestamp, read as UTC (zip stores no zone). */
  readonly modifiedAt: Date | null;
  readonly localHeaderOffset: number;
}

export class ZipReadError extends Error {
  override readonly name = 'ZipReadError';
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const MAX_COMMENT = 0xffff;
const CHUNK = 1024 * 1024;

async function readRange(blob: Blob, start: number, end: number): Promise<DataView> {
  const buffer = await blob.slice(start, end).arrayBuffer();
  return new DataView(buffer);
}

/**
 * Reads a zip's central directory from the end of the blob, without reading the members: fflate
 * streams the data but does not expose modification times, which the archive-member component
 * keeps. Zip64 archives are refused with a clear error.
 */
export async function readZipDirectory(blob: Blob): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, blob.size - (22 + MAX_COMMENT));
  const tail = await readRange(blob, tailStart, blob.size);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipReadError('This is not a readable zip archive (no end-of-directory record; it may be truncated).');
  if (eocd >= 20 && tail.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIGNATURE)
    throw new ZipReadError('Zip64 archives (over 4 GB or 65,535 members) are not supported yet.');
  const count = tail.getUint16(eocd + 10, true);
  const directorySize = tail.getUint32(eocd + 12, true);
  const directoryOffset = tail.getUint32(eocd + 16, true);
  if (directoryOffset + directorySize > blob.size)
    throw new ZipReadError('The zip archive is truncated (its directory points past the end).');
  const dir = await readRange(blob, directoryOffset, directoryOffset + directorySize);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > dir.byteLength || dir.getUint32(at, true) !== CENTRAL_SIGNATURE)
      throw new ZipReadError('The zip archive has a damaged directory.');
    const flags = dir.getUint16(at + 8, true);
    const method = dir.getUint16(at + 10, true);
    const time = dir.getUint16(at + 12, true);
    const date = dir.getUint16(at + 14, true);
    const compressedSize = dir.getUint32(at + 20, true);
    const size = dir.getUint32(at + 24, true);
    const nameLength = dir.getUint16(at + 28, true);
    const extraLength = dir.getUint16(at + 30, true);
    const commentLength = dir.getUint16(at + 32, true);
    const localHeaderOffset = dir.getUint32(at + 42, true);
    const nameBytes = new Uint8Array(dir.buffer, dir.byteOffset + at + 46, nameLength);
    const path = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    entries.push({
      path,
      compressedSize,
      size,
      method,
      encrypted: (flags & 1) === 1,
      isDirectory: path.endsWith('/'),
      modifiedAt: dosDateTime(date, time),
      localHeaderOffset,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function dosDateTime(date: number, time: number): Date | null {
  if (date === 0) return null;
  const year = 1980 + (date >> 9);
  const month = ((date >> 5) & 0xf) - 1;
  const day = date & 0x1f;
  const result = new Date(Date.UTC(year, month, day, time >> 11, (time >> 5) & 0x3f, (time & 0x1f) * 2));
  return Number.isNaN(result.getTime()) ? null : result;
}

/**
 * A member's bytes, inflated by fflate as a stream from 1 MB slices of the archive. The output
 * collects into a Blob, which the browser may keep on disk; stored (uncompressed) members are
 * sliced straight from the archive.
 */
export async function readZipEntry(blob: Blob, entry: ZipEntry, maxSize: number): Promise<Blob> {
  if (entry.encrypted) throw new ZipReadError('This member is encrypted; password-protected zips are not supported yet.');
  if (entry.size > maxSize) throw new ZipReadError(`This member is too large to unpack (${entry.size} bytes).`);
  const header = await readRange(blob, entry.localHeaderOffset, entry.localHeaderOffset + 30);
  if (header.byteLength < 30 || header.getUint32(0, true) !== LOCAL_SIGNATURE)
    throw new ZipReadError('The zip archive has a damaged member header.');
  const dataStart = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > blob.size) throw new ZipReadError('The zip archive is truncated.');
  if (entry.method === 0) return blob.slice(dataStart, dataEnd);
  if (entry.method !== 8) throw new ZipReadError(`This member uses a compression method (${entry.method}) that is not supported.`);
  const parts: Uint8Array[] = [];
  let produced = 0;
  let failure: Error | null = null;
  const inflate = new Inflate((chunk) => {
    produced += chunk.byteLength;
    // The directory's size is checked above; this catches a member that lies about it (a bomb).
    if (produced > entry.size) failure ??= new ZipReadError('This member unpacks to more bytes than the archive says.');
    else parts.push(chunk);
  });
  for (let offset = dataStart; offset < dataEnd && !failure; offset += CHUNK) {
    const end = Math.min(dataEnd, offset + CHUNK);
    const chunk = new Uint8Array(await blob.slice(offset, end).arrayBuffer());
    try {
      inflate.push(chunk, end === dataEnd);
    } catch (error) {
      throw new ZipReadError(`This member is damaged: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failure) throw failure;
  if (produced !== entry.size) throw new ZipReadError('This member is damaged (it unpacked to the wrong size).');
  return new Blob(parts as Uint8Array<ArrayBuffer>[]);
}
