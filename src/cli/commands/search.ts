import type { AssetCard, AssetSort, SemanticSearchHit } from '../../lib/api/dam-api';
import { flag, integerOption, stringOption } from '../args';
import { UsageError } from '../errors';
import { formatBytes, table } from '../output';
import type { Command } from './command';

const SORTS: readonly AssetSort[] = ['added', 'taken', 'name', 'size'];
/** The most `listAssets` gives in one page. */
const PAGE_LIMIT = 500;

function cardRow(card: AssetCard): string[] {
  return [String(card.id), card.mimeType ?? '', formatBytes(card.sizeBytes), card.name ?? ''];
}

function hitRows(hits: readonly SemanticSearchHit[]): string[][] {
  return hits.map((h) => [h.score.toFixed(3), String(h.asset.id), h.asset.name ?? '', `${h.matchedComponent}.${h.matchedField}`]);
}

export const searchSemantic: Command = {
  name: 'search semantic',
  summary: 'find assets whose text means something like TEXT',
  usage: 'dam search semantic -q TEXT [-n N] [-m MODEL]',
  description:
    "Compares TEXT with the embedded text of each asset (names, metadata, documents) by the world's text model, and with\n" +
    'pictures where an image model is installed. Search-language filters in TEXT (type:image, tag:x) narrow the hits.',
  options: {
    query: { type: 'string', short: 'q', value: 'TEXT', description: 'what to look for' },
    limit: { type: 'string', short: 'n', value: 'N', description: 'at most N hits (default 10)' },
    model: { type: 'string', short: 'm', value: 'MODEL', description: "the text model (default: the world's)" },
  },
  arity: { min: 0, max: 0 },
  async run({ out, args, world, session }) {
    const query = stringOption(args, 'query');
    if (query === undefined) throw new UsageError('Say what to search for with -q TEXT');
    const topN = integerOption(args, 'limit', 1, 500) ?? 10;
    const model = stringOption(args, 'model');
    const s = await session();
    const name = await s.openWorld(world);
    const result = await s.app.semanticSearch(query, { topN, ...(model !== undefined && { model }) });
    out.result({ world: name, query, ...result }, () => {
      const lines = [`${result.hits.length} by text (${result.model})`];
      if (result.hits.length > 0) lines.push(...table([['SCORE', 'ID', 'NAME', 'MATCHED'], ...hitRows(result.hits)]));
      if (result.pictureModel) {
        lines.push(`${result.pictureHits.length} by picture (${result.pictureModel})`);
        if (result.pictureHits.length > 0) lines.push(...table([['SCORE', 'ID', 'NAME', 'MATCHED'], ...hitRows(result.pictureHits)]));
      }
      if (result.pendingEntities > 0) lines.push(`${result.pendingEntities} assets are not embedded yet and cannot match.`);
      return lines;
    });
  },
};

export const searchQuery: Command = {
  name: 'search query',
  summary: 'list the assets that match a query of the search language',
  usage: "dam search query 'QUERY' [-n N] [--offset N] [--sort added|taken|name|size] [--all]",
  description:
    'QUERY as in the search box: words match names and text, type:image, tag:x, size>10MB, taken:2023-05, hash:<hex>,\n' +
    "AND/OR/NOT, parentheses. An empty QUERY ('') lists everything. A malformed query fails with where it went wrong.",
  options: {
    limit: { type: 'string', short: 'n', value: 'N', description: `at most N assets (default 50, at most ${PAGE_LIMIT})` },
    offset: { type: 'string', value: 'N', description: 'skip the first N' },
    sort: { type: 'string', value: 'KEY', description: 'added (default), taken, name or size' },
    all: { type: 'boolean', description: 'every match, page after page' },
  },
  arity: { min: 0, max: 1 },
  async run({ out, args, world, session }) {
    const search = args.positionals[0] ?? '';
    const sort = stringOption(args, 'sort');
    if (sort !== undefined && !(SORTS as readonly string[]).includes(sort)) {
      throw new UsageError(`--sort must be one of ${SORTS.join(', ')}, not "${sort}"`);
    }
    const limit = integerOption(args, 'limit', 1, PAGE_LIMIT) ?? 50;
    const offset = integerOption(args, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const all = flag(args, 'all');
    const s = await session();
    const name = await s.openWorld(world);
    const query = { search, ...(sort !== undefined && { sort: sort as AssetSort }) };
    const first = await s.app.listAssets({ ...query, offset, limit: all ? PAGE_LIMIT : limit });
    const items = [...first.items];
    while (all && first.items.length > 0 && offset + items.length < first.total) {
      const page = await s.app.listAssets({ ...query, offset: offset + items.length, limit: PAGE_LIMIT });
      if (page.items.length === 0) break;
      items.push(...page.items);
    }
    out.result({ world: name, query: search, total: first.total, offset, items }, () => [
      ...(items.length > 0 ? table([['ID', 'TYPE', 'SIZE', 'NAME'], ...items.map(cardRow)]) : []),
      `${items.length} shown of ${first.total} matching in "${name}"`,
    ]);
  },
};
