/**
 * A minimal POSIX tar (ustar, with a pax `size` record past 8 GiB) over Blobs. Written by hand
 * because a world archive needs two things the tar libraries' streams do not give: composing the
 * archive from stored Blobs without copying their bytes (a Blob of Blobs stays backed by the
 * browser's storage), and reading one member of a multi-gigabyte File by slicing it. Any `tar`
 * lists and extracts the result.
 */

const BLOCK = 512;
const USTAR_MAX_SIZE = 8 ** 11 - 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface TarMember {
  readonly name: string;
  readonly data: Blob;
}

/** Where a member's bytes are in the archive. */
export interface TarEntry {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

/** Says what is wrong as a clause ("it ends early"), for a message that names the archive. */
export class TarReadError extends Error {
  override readonly name = 'TarReadError';
}

function writeString(header: Uint8Array, at: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new Error(`Tar field too long: ${value}`);
  header.set(bytes, at);
}

function writeOctal(header: Uint8Array, at: number, length: number, value: number): void {
  writeString(header, at, length, value.toString(8).padStart(length - 1, '0'));
}

function headerBlock(name: string, size: number, type: '0' | 'x', mtime: number): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(BLOCK);
  writeString(header, 0, 100, name);
  writeOctal(header, 100, 8, 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, Math.min(size, USTAR_MAX_SIZE));
  writeOctal(header, 136, 12, mtime);
  header.fill(0x20, 148, 156);
  writeString(header, 156, 1, type);
  writeString(header, 257, 6, 'ustar');
  writeString(header, 263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  writeString(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

function padding(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** A pax record `"<len> key=value\n"`, whose length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return `${length}${body}`;
}

/** The archive as one Blob: headers and padding are new bytes, the members' data is referenced. */
export function tarBlob(members: readonly TarMember[], mtime = new Date()): Blob {
  const seconds = Math.floor(mtime.getTime() / 1000);
  const parts: BlobPart[] = [];
  for (const { name, data } of members) {
    if (data.size > USTAR_MAX_SIZE) {
      const pax = new Uint8Array(encoder.encode(paxRecord('size', String(data.size))));
      parts.push(headerBlock(`PaxHeader/${name}`.slice(0, 99), pax.length, 'x', seconds), pax, padding(pax.length));
    }
    parts.push(headerBlock(name, data.size, '0', seconds), data, padding(data.size));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return new Blob(parts);
}

function readString(block: Uint8Array, at: number, length: number): string {
  const field = block.subarray(at, at + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function readOctal(block: Uint8Array, at: number, length: number): number {
  const text = readString(block, at, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new TarReadError(`a header has a malformed number at byte ${at}`);
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumHolds(block: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === readOctal(block, 148, 8);
}

/** Reads a Blob in windows, so walking many small members costs one read per window, not per header. */
class WindowedReader {
  private start = 0;
  private bytes = new Uint8Array(0);

  constructor(
    private readonly blob: Blob,
    private readonly windowSize = 4 * 1024 * 1024,
  ) {}

  async block(offset: number): Promise<Uint8Array | null> {
    if (offset + BLOCK > this.blob.size) return null;
    if (offset < this.start || offset + BLOCK > this.start + this.bytes.length) {
      this.start = offset;
      this.bytes = new Uint8Array(await this.blob.slice(offset, Math.min(this.blob.size, offset + this.windowSize)).arrayBuffer());
    }
    return this.bytes.subarray(offset - this.start, offset - this.start + BLOCK);
  }
}

/**
 * Lists a tar's regular members with where their data lies, reading headers only. Throws
 * `TarReadError` for a damaged header or an archive cut short.
 */
export async function readTarIndex(archive: Blob): Promise<TarEntry[]> {
  const reader = new WindowedReader(archive);
  const entries: TarEntry[] = [];
  let offset = 0;
  let paxSize: number | null = null;
  for (;;) {
    const block = await reader.block(offset);
    if (!block) throw new TarReadError('it ends early (it was cut short, or is not a tar archive)');
    if (block.every((b) => b === 0)) return entries;
    if (!checksumHolds(block)) throw new TarReadError(`the header at byte ${offset} fails its checksum`);
    const type = String.fromCharCode(block[156]!);
    const size = paxSize ?? readOctal(block, 124, 12);
    paxSize = null;
    const dataOffset = offset + BLOCK;
    if (dataOffset + size > archive.size) throw new TarReadError('it ends early: its last member is cut short');
    if (type === 'x') {
      const text = decoder.decode(await archive.slice(dataOffset, dataOffset + size).arrayBuffer());
      const match = /(?:^|\n)\d+ size=(\d+)\n/.exec(text);
      if (match) paxSize = Number(match[1]);
    } else if (type === '0' || type === '\0') {
      const prefix = readString(block, 345, 155);
      const name = readString(block, 0, 100);
      entries.push({ name: prefix ? `${prefix}/${name}` : name, offset: dataOffset, size });
    }
    offset = dataOffset + size + ((BLOCK - (size % BLOCK)) % BLOCK);
  }
}

export function tarEntryData(archive: Blob, entry: TarEntry): Blob {
  return archive.slice(entry.offset, entry.offset + entry.size);
}
