import { DamError } from '../errors';
import { sha256OfBlob } from '../services/hash-service';
import { readTarIndex, tarBlob, tarEntryData, TarReadError, type TarEntry, type TarMember } from './tar';

/**
 * A world archive is a tar: `manifest.json` first, then `database.tar.gz` (PGlite's
 * `dumpDataDir`), then every blob the database points at as `blobs/<ab>/<sha256>`. The manifest
 * lists every other member with its size and SHA-256, so an import can check all of it before it
 * changes anything.
 */
export const WORLD_ARCHIVE_FORMAT = 'dam-world';
export const WORLD_ARCHIVE_VERSION = 1;
export const MANIFEST_PATH = 'manifest.json';
export const DATABASE_PATH = 'database.tar.gz';
/** A manifest larger than this is not one of ours (a million blobs is about 130 MB of JSON). */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

export interface ArchivedFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface WorldArchiveManifest {
  readonly format: typeof WORLD_ARCHIVE_FORMAT;
  readonly version: number;
  readonly world: string;
  readonly exportedAt: string;
  /** The migrations the dumped database had applied; an import runs any newer ones. */
  readonly migrations: readonly string[];
  readonly assetCount: number;
  readonly files: readonly ArchivedFile[];
}

export function blobPath(sha256: string): string {
  return `blobs/${sha256.slice(0, 2)}/${sha256}`;
}

const BLOB_PATH = /^blobs\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

/** The key of a blob member, or null for any other path. */
export function blobKeyOf(path: string): string | null {
  const match = BLOB_PATH.exec(path);
  return match && match[2]!.startsWith(match[1]!) ? match[2]! : null;
}

export interface ArchiveProgress {
  readonly phase: 'hashing' | 'verifying';
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/**
 * Reports progress at most every half per cent (and at the end): each report crosses from the
 * worker to the page, and an archive can hold a million small blobs.
 */
function progressReporter(phase: ArchiveProgress['phase'], bytesTotal: number, report?: (progress: ArchiveProgress) => void) {
  let next = 0;
  return (bytesDone: number) => {
    if (!report || (bytesDone < next && bytesDone < bytesTotal)) return;
    next = bytesDone + bytesTotal / 200;
    report({ phase, bytesDone, bytesTotal });
  };
}

export interface WorldArchiveInput {
  readonly world: string;
  readonly migrations: readonly string[];
  readonly assetCount: number;
  readonly database: Blob;
  /** The blobs the database points at, by key. */
  readonly blobs: readonly { readonly sha256: string; readonly data: Blob }[];
  readonly exportedAt?: Date;
  readonly onProgress?: (progress: ArchiveProgress) => void;
}

/**
 * Builds the archive. Every blob is read and hashed on the way: a stored copy that no longer
 * matches its key would make an archive that can never be imported, so export stops and says
 * which one (Settings → Verify finds them all).
 */
export async function buildWorldArchive(input: WorldArchiveInput): Promise<Blob> {
  const bytesTotal = input.database.size + input.blobs.reduce((sum, b) => sum + b.data.size, 0);
  const report = progressReporter('hashing', bytesTotal, input.onProgress);
  let bytesDone = 0;
  const files: ArchivedFile[] = [];
  const members: TarMember[] = [];
  const add = async (path: string, data: Blob, expected?: string) => {
    const sha256 = await sha256OfBlob(data);
    if (expected !== undefined && sha256 !== expected)
      throw new DamError(
        'BlobIntegrityError',
        `The stored copy of blob ${expected} is damaged (its bytes no longer match), so the export stopped. Run Verify in Settings to find the files affected.`,
      );
    files.push({ path, size: data.size, sha256 });
    members.push({ name: path, data });
    bytesDone += data.size;
    report(bytesDone);
  };
  await add(DATABASE_PATH, input.database);
  for (const blob of input.blobs) await add(blobPath(blob.sha256), blob.data, blob.sha256);
  const exportedAt = input.exportedAt ?? new Date();
  const manifest: WorldArchiveManifest = {
    format: WORLD_ARCHIVE_FORMAT,
    version: WORLD_ARCHIVE_VERSION,
    world: input.world,
    exportedAt: exportedAt.toISOString(),
    migrations: input.migrations,
    assetCount: input.assetCount,
    files,
  };
  const manifestBlob = new Blob([JSON.stringify(manifest)], { type: 'application/json' });
  return tarBlob([{ name: MANIFEST_PATH, data: manifestBlob }, ...members], exportedAt);
}

/** An archive whose every member matched the manifest. */
export interface VerifiedWorldArchive {
  readonly manifest: WorldArchiveManifest;
  readonly database: Blob;
  /** Blob keys in archive order, and each one's bytes. */
  readonly blobKeys: readonly string[];
  blob(sha256: string): Blob;
}

function damaged(message: string): DamError {
  return new DamError('DamagedArchiveError', `This world archive cannot be imported: ${message}. Nothing was changed.`);
}

function parseManifest(text: string): WorldArchiveManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged('its manifest is not valid JSON');
  }
  const m = value as Partial<WorldArchiveManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== WORLD_ARCHIVE_FORMAT) throw damaged('it is not a DAM world archive');
  if (typeof m.version !== 'number' || m.version > WORLD_ARCHIVE_VERSION)
    throw damaged(`it was written by a newer version of DAM (format ${String(m.version)}; this one reads ${WORLD_ARCHIVE_VERSION})`);
  const validFile = (f: Partial<ArchivedFile> | null) =>
    !!f && typeof f.path === 'string' && Number.isSafeInteger(f.size) && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256);
  if (
    typeof m.world !== 'string' ||
    typeof m.exportedAt !== 'string' ||
    !Array.isArray(m.migrations) ||
    !m.migrations.every((id) => typeof id === 'string') ||
    !Number.isSafeInteger(m.assetCount) ||
    !Array.isArray(m.files) ||
    !m.files.every(validFile)
  )
    throw damaged('its manifest is malformed');
  return m as WorldArchiveManifest;
}

/**
 * Reads an archive's index and manifest, then checks every member against the manifest (present,
 * same size, same SHA-256) and that nothing else is in it. Throws `DamagedArchiveError` naming
 * the first problem; reads the whole archive once.
 */
export async function verifyWorldArchive(archive: Blob, onProgress?: (progress: ArchiveProgress) => void): Promise<VerifiedWorldArchive> {
  if (archive.size === 0) throw damaged('the file is empty');
  const head = new Uint8Array(await archive.slice(0, 512).arrayBuffer());
  const headText = new TextDecoder().decode(head);
  if (!headText.startsWith(`${MANIFEST_PATH}\0`) || !headText.slice(257).startsWith('ustar'))
    throw damaged('it is not a DAM world archive (those are .damworld.tar files made by Export)');
  let index: TarEntry[];
  try {
    index = await readTarIndex(archive);
  } catch (error) {
    if (error instanceof TarReadError) throw damaged(error.message);
    throw error;
  }
  const manifestEntry = index[0];
  if (!manifestEntry || manifestEntry.name !== MANIFEST_PATH) throw damaged('it has no manifest, so it is not a DAM world archive');
  if (manifestEntry.size > MAX_MANIFEST_BYTES) throw damaged('its manifest is too large');
  const manifest = parseManifest(await tarEntryData(archive, manifestEntry).text());
  const byPath = new Map(index.slice(1).map((entry) => [entry.name, entry]));
  if (byPath.size !== index.length - 1) throw damaged('it holds the same path twice');
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const entry of byPath.values())
    if (!listed.has(entry.name)) throw damaged(`it holds ${entry.name}, which its manifest does not list`);
  if (!listed.has(DATABASE_PATH)) throw damaged('it holds no database');
  const bytesTotal = manifest.files.reduce((sum, f) => sum + f.size, 0);
  const report = progressReporter('verifying', bytesTotal, onProgress);
  let bytesDone = 0;
  const blobKeys: string[] = [];
  for (const file of manifest.files) {
    const entry = byPath.get(file.path);
    if (!entry) throw damaged(`${file.path} is missing`);
    if (entry.size !== file.size) throw damaged(`${file.path} is ${entry.size} bytes where the manifest says ${file.size}`);
    const key = blobKeyOf(file.path);
    if (file.path !== DATABASE_PATH && key === null) throw damaged(`it holds ${file.path}, which is not a database or a blob`);
    if ((await sha256OfBlob(tarEntryData(archive, entry))) !== file.sha256) throw damaged(`${file.path} does not match its checksum`);
    if (key !== null) {
      if (key !== file.sha256) throw damaged(`blob ${key} holds other bytes than its name says`);
      blobKeys.push(key);
    }
    bytesDone += file.size;
    report(bytesDone);
  }
  return {
    manifest,
    database: tarEntryData(archive, byPath.get(DATABASE_PATH)!),
    blobKeys,
    blob: (sha256) => {
      const entry = byPath.get(blobPath(sha256));
      if (!entry) throw new Error(`The archive holds no blob ${sha256}`);
      return tarEntryData(archive, entry);
    },
  };
}
