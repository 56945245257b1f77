import { openAsBlob } from 'node:fs';
import { resolve } from 'node:path';
import type { AssetDetail, SimilarImage } from '../../lib/api/dam-api';
import { sha256OfBlob } from '../../lib/dam/services/hash-service';
import { integerOption, stringOption } from '../args';
import type { CliDamApp } from '../cli-app';
import { UsageError } from '../errors';
import { formatBytes, table } from '../output';
import type { Command } from './command';

/** Each hash the library keeps: its hex length and the component that holds it. */
const HASH_TYPES = {
  sha256: { hexLength: 64, component: 'ContentHashSHA256Component' },
  md5: { hexLength: 32, component: 'ContentHashMD5Component' },
  sha1: { hexLength: 40, component: 'ContentHashSHA1Component' },
  crc32: { hexLength: 8, component: 'ContentHashCRC32Component' },
  blake3: { hexLength: 64, component: 'ContentHashBLAKE3Component' },
} as const;
type HashType = keyof typeof HASH_TYPES;

/** An asset as the find commands print it. */
function assetView(detail: AssetDetail) {
  return {
    id: detail.card.id,
    name: detail.card.name,
    mimeType: detail.card.mimeType,
    sizeBytes: detail.card.sizeBytes,
    sha256: detail.sha256,
    locations: detail.locations,
  };
}

/** The entities whose `type` hash is `hex`, found by the search language's `hash:` term. */
async function assetsWithHash(app: CliDamApp, type: HashType, hex: string): Promise<AssetDetail[]> {
  const page = await app.listAssets({ search: `hash:${hex}`, limit: 500 });
  const found: AssetDetail[] = [];
  for (const card of page.items) {
    const detail = await app.getAsset(card.id);
    // `hash:` with 64 digits matches SHA-256 or BLAKE3: keep the kind asked for.
    const stored = detail?.entity.components.find((c) => c.name === HASH_TYPES[type].component)?.fields.hashValue;
    if (detail && stored === hex) found.push(detail);
  }
  return found;
}

export const findFileByHash: Command = {
  name: 'find-file-by-hash',
  summary: 'find the asset with a given content hash, and where its files are',
  usage: 'dam find-file-by-hash HASH [--hash-type sha256|md5|sha1|crc32|blake3]',
  description: 'HASH is hexadecimal. Nothing found is not an error: the list is empty.',
  options: { 'hash-type': { type: 'string', value: 'TYPE', description: 'which hash HASH is (default sha256)' } },
  arity: { min: 1, max: 1 },
  async run({ out, args, world, session }) {
    const type = (stringOption(args, 'hash-type') ?? 'sha256').toLowerCase();
    if (!(type in HASH_TYPES)) throw new UsageError(`--hash-type must be one of ${Object.keys(HASH_TYPES).join(', ')}, not "${type}"`);
    const { hexLength } = HASH_TYPES[type as HashType];
    const hex = args.positionals[0]!.toLowerCase();
    if (!/^[0-9a-f]+$/.test(hex) || hex.length !== hexLength) {
      throw new UsageError(`"${args.positionals[0]}" is not a ${type} hash: write ${hexLength} hexadecimal digits`);
    }
    const s = await session();
    const name = await s.openWorld(world);
    const found = (await assetsWithHash(s.app, type as HashType, hex)).map(assetView);
    out.result({ world: name, hashType: type, hash: hex, found }, () =>
      found.length === 0
        ? `No asset in "${name}" has the ${type} ${hex}.`
        : found.flatMap((a) => [
            `${a.id}  ${a.name ?? '(no name)'}  ${a.mimeType ?? ''}  ${formatBytes(a.sizeBytes)}  sha256 ${a.sha256}`,
            ...a.locations.map((l) => `    ${l.url}`),
          ]),
    );
  },
};

export const findSimilarImages: Command = {
  name: 'find-similar-images',
  summary: 'find pictures that look like a picture file',
  usage: 'dam find-similar-images IMAGE [--threshold N] [-n N]',
  description:
    'IMAGE need not be in the library. Pictures are compared by perceptual hashes (pHash, aHash, dHash: --threshold is the\n' +
    'most differing bits, default 4), or by the image model (CLIP) when one is installed and no --threshold is given.',
  options: {
    threshold: { type: 'string', value: 'N', description: 'most differing bits of the perceptual hashes (0-64)' },
    limit: { type: 'string', short: 'n', value: 'N', description: 'at most N pictures (default 50)' },
  },
  arity: { min: 1, max: 1 },
  async run({ out, args, cwd, world, session }) {
    const threshold = integerOption(args, 'threshold', 0, 64);
    const limit = integerOption(args, 'limit', 1, 1000) ?? 50;
    const path = resolve(cwd, args.positionals[0]!);
    const picture = await openAsBlob(path).catch((error: NodeJS.ErrnoException) => {
      throw new Error(error.code === 'ENOENT' ? `${args.positionals[0]}: no such file` : `${args.positionals[0]}: ${error.message}`);
    });
    const s = await session();
    const name = await s.openWorld(world);
    const app = s.app;
    const sha256 = await sha256OfBlob(picture);
    const known = (await assetsWithHash(app, 'sha256', sha256))[0]?.card.id ?? null;
    let matches: SimilarImage[];
    let method: 'perceptual-hash' | 'image-model';
    if (known !== null) {
      // The library's own answer for its picture: the image model's vectors where it has them.
      matches = await app.findSimilarImages(known, { threshold, limit });
      method = matches.some((m) => m.similarity !== null) ? 'image-model' : 'perceptual-hash';
    } else if (threshold === undefined && (await app.imageUnderstanding()).imageModel !== null) {
      const found = await app.searchByPicture(picture, { topN: limit });
      matches = found.hits.map((h) => ({ id: h.asset.id, name: h.asset.name, distance: null, similarity: h.score }));
      method = 'image-model';
    } else {
      matches = await app.findSimilarToPicture(picture, { threshold, limit });
      method = 'perceptual-hash';
    }
    out.result({ world: name, picture: path, inLibrary: known, method, matches }, () => {
      const lines = known !== null ? [`${path} is asset ${known}; pictures like it:`] : [];
      if (matches.length === 0) return [...lines, 'No similar pictures.'];
      return [
        ...lines,
        ...table([
          ['ID', method === 'image-model' ? 'SIMILARITY' : 'DISTANCE', 'NAME'],
          ...matches.map((m) => [String(m.id), m.similarity !== null ? m.similarity.toFixed(3) : String(m.distance), m.name ?? '']),
        ]),
      ];
    });
  },
};
