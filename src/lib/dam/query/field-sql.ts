import type { AssetKind } from '../../api/dam-api';
import { likeEscaped } from '../../db/sql';
import type { Comparison, QueryNode } from './query-ast';
import { AGE_UNIT_HOURS, DURATION_UNITS, SIZE_UNITS } from './query-fields';
import { DEFAULT_SIMILARITY_THRESHOLD, PERCEPTUAL_HASH_TABLES } from '../services/similarity-service';
import { TEXT_EMBEDDING_COMPONENTS } from '../components/embeddings';
import { IMAGE_EMBEDDING_COMPONENTS } from '../components/image-embeddings';
import { AUDIO_EMBEDDING_MODEL_REGISTRY } from '../models/audio-embedding-model-registry';
import { DocumentPropertiesComponent, TextContentComponent } from '../components/media';

/**
 * How alike two documents' text vectors must be (cosine) for `similar:`: near-copies and
 * revisions of one text, not merely the same topic (with USE-lite, related texts score about
 * 0.4–0.8 and unrelated ones 0.1–0.35, as measured for the search page's default).
 */
export const SIMILAR_TEXT_MIN_SIMILARITY = 0.85;

/**
 * How alike two pictures' image-model vectors must be (cosine) for `similar:` and the asset
 * page's similar pictures: the same scene or subject, not merely both outdoors. With CLIP
 * ViT-B/32, near-copies score above 0.95, shots of one scene about 0.85–0.95, and unrelated
 * photos 0.4–0.7.
 */
export const SIMILAR_PICTURE_MIN_SIMILARITY = 0.85;

/** The components whose `text` field holds a document's body. */
const DOCUMENT_TEXT_SOURCES = `'${DocumentPropertiesComponent.name}', '${TextContentComponent.name}'`;

/** Field terms: what the compiler hands to `fieldSql`. */
export type FieldNode = Extract<QueryNode, { kind: 'type' | 'mime' | 'ext' | 'measure' | 'date' | 'age' | 'hash' | 'similar' }>;

const FIELD_KINDS: ReadonlySet<QueryNode['kind']> = new Set(['type', 'mime', 'ext', 'measure', 'date', 'age', 'hash', 'similar']);

export function isFieldNode(node: QueryNode): node is FieldNode {
  return FIELD_KINDS.has(node.kind);
}

/** SQL conditions on a media type column for each kind, mirroring `assetKindOf`. */
export function kindSql(kind: AssetKind, mime: string): string {
  const image = `(${mime} LIKE 'image/%' AND ${mime} <> 'image/svg+xml')`;
  const archives = `('application/zip', 'application/x-zip-compressed')`;
  switch (kind) {
    case 'image':
      return image;
    case 'audio':
      return `${mime} LIKE 'audio/%'`;
    case 'video':
      return `${mime} LIKE 'video/%'`;
    case 'pdf':
      return `${mime} = 'application/pdf'`;
    case 'archive':
      return `${mime} IN ${archives}`;
    case 'other':
      return `NOT (${mime} IS NOT NULL AND (${image} OR ${mime} LIKE 'audio/%' OR ${mime} LIKE 'video/%'
        OR ${mime} IN ('application/pdf', 'application/zip', 'application/x-zip-compressed')))`;
  }
}

const HASH_TABLES: Readonly<Record<number, readonly string[]>> = {
  8: ['component_content_hash_crc32'],
  32: ['component_content_hash_md5'],
  40: ['component_content_hash_sha1'],
  64: ['component_content_hash_sha256', 'component_content_hash_blake3'],
};

/** The start of a `YYYY[-MM[-DD]]` period and the start of the next one, in UTC. */
export function periodOf(date: string): { start: Date; end: Date } {
  const [year, month, day] = date.split('-').map(Number) as [number, number?, number?];
  if (month === undefined) return { start: new Date(Date.UTC(year, 0, 1)), end: new Date(Date.UTC(year + 1, 0, 1)) };
  if (day === undefined) return { start: new Date(Date.UTC(year, month - 1, 1)), end: new Date(Date.UTC(year, month, 1)) };
  return { start: new Date(Date.UTC(year, month - 1, day)), end: new Date(Date.UTC(year, month - 1, day + 1)) };
}

/** `column` against a whole period: `=` is within it, `>` after it, `<=` up to its end. */
function periodSql(column: string, op: Comparison, date: string, param: (value: unknown) => number): string {
  const { start, end } = periodOf(date);
  const at = (d: Date) => `$${param(d.toISOString())}::timestamptz`;
  switch (op) {
    case '=':
      return `(${column} >= ${at(start)} AND ${column} < ${at(end)})`;
    case '>':
      return `${column} >= ${at(end)}`;
    case '>=':
      return `${column} >= ${at(start)}`;
    case '<':
      return `${column} < ${at(start)}`;
    case '<=':
      return `${column} < ${at(end)}`;
  }
}

/** An age bound as a time bound: younger than 7 days is after now minus 7 days. */
const AGE_TO_TIME: Readonly<Record<'<' | '<=' | '>' | '>=', string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export interface FieldColumns {
  /** The asset's entity id. */
  readonly entity: string;
  /** The asset's file properties row (`component_file_properties`). */
  readonly file: string;
}

/**
 * One field term as an SQL condition; values are parameters. Columns of the file properties are
 * read straight from `columns.file`; every other table is an EXISTS on the entity, which the
 * planner turns into a semi-join. Dates are UTC; ages count back from `now`.
 */
export function fieldSql(node: FieldNode, columns: FieldColumns, param: (value: unknown) => number, now: Date): string {
  const { entity, file } = columns;
  const exists = (table: string, condition: (alias: string) => string) =>
    `EXISTS (SELECT 1 FROM ${table} f WHERE f.entity_id = ${entity} AND ${condition('f')})`;
  switch (node.kind) {
    case 'type':
      return kindSql(node.type, `${file}.mime_type`);
    case 'mime':
      return node.mime.endsWith('/*')
        ? `${file}.mime_type LIKE $${param(`${likeEscaped(node.mime.slice(0, -1))}%`)}`
        : `${file}.mime_type = $${param(node.mime)}`;
    case 'ext':
      return `lower(${file}.original_filename) LIKE $${param(`%.${likeEscaped(node.ext)}`)}`;
    case 'measure': {
      if (node.field === 'size') return `${file}.file_size_bytes ${node.op} $${param(Math.round(node.amount * SIZE_UNITS[node.unit]!))}`;
      if (node.field === 'duration') {
        const seconds = `$${param(node.amount * DURATION_UNITS[node.unit]!)}::double precision`;
        return `(${exists('component_audio_properties', (f) => `${f}.duration_seconds ${node.op} ${seconds}`)}
          OR ${exists('component_frame_properties', (f) => `${f}.duration_seconds ${node.op} ${seconds}`)})`;
      }
      const column = node.field === 'width' ? 'width_pixels' : 'height_pixels';
      return exists('component_image_dimensions', (f) => `${f}.${column} ${node.op} $${param(node.amount)}`);
    }
    case 'date':
      return node.field === 'taken'
        ? exists('component_exif_metadata', (f) => periodSql(`${f}.taken_at`, node.op, node.date, param))
        : `EXISTS (SELECT 1 FROM entities a WHERE a.id = ${entity} AND ${periodSql('a.created_at', node.op, node.date, param)})`;
    case 'age': {
      const since = new Date(now.getTime() - node.amount * AGE_UNIT_HOURS[node.unit] * 3_600_000);
      const bound = `${AGE_TO_TIME[node.op]} $${param(since.toISOString())}::timestamptz`;
      return node.field === 'taken'
        ? exists('component_exif_metadata', (f) => `${f}.taken_at ${bound}`)
        : `EXISTS (SELECT 1 FROM entities a WHERE a.id = ${entity} AND a.created_at ${bound})`;
    }
    case 'similar': {
      // Within the threshold on any of the three perceptual hashes (as `findSimilarImages` without
      // an image model), itself excluded.
      const target = `$${param(node.entityId)}::bigint`;
      const bits = `$${param(DEFAULT_SIMILARITY_THRESHOLD)}`;
      const near = PERCEPTUAL_HASH_TABLES.map((table) =>
        exists(
          table,
          (f) => `EXISTS (SELECT 1 FROM ${table} q WHERE q.entity_id = ${target}
          AND bit_count((${f}.hash_value # q.hash_value)::bit(64)) <= ${bits})`,
        ),
      );
      // Documents (PDF and text files) are near when their text vectors are, model by model.
      const alike = `$${param(1 - SIMILAR_TEXT_MIN_SIMILARITY)}::double precision`;
      const documents = TEXT_EMBEDDING_COMPONENTS.map(
        ({ table }) => `EXISTS (SELECT 1 FROM ${table} f JOIN ${table} q ON q.entity_id = ${target}
          AND q.source_component_name IN (${DOCUMENT_TEXT_SOURCES}) AND q.source_field_name LIKE 'text%'
          WHERE f.entity_id = ${entity} AND f.source_component_name IN (${DOCUMENT_TEXT_SOURCES}) AND f.source_field_name LIKE 'text%'
          AND (f.embedding_vector <=> q.embedding_vector) <= ${alike})`,
      );
      // Pictures are near when their image-model vectors are (any keyframe of a video).
      const looks = `$${param(1 - SIMILAR_PICTURE_MIN_SIMILARITY)}::double precision`;
      const pictures = IMAGE_EMBEDDING_COMPONENTS.map(
        ({ table }) => `EXISTS (SELECT 1 FROM ${table} f JOIN ${table} q ON q.entity_id = ${target}
          WHERE f.entity_id = ${entity} AND (f.embedding_vector <=> q.embedding_vector) <= ${looks})`,
      );
      // Sounds are near when an audio model's vectors are, at that model's own threshold.
      const sounds = Object.values(AUDIO_EMBEDDING_MODEL_REGISTRY).map(
        ({ component: { table }, similarMinSimilarity }) => `EXISTS (SELECT 1 FROM ${table} f JOIN ${table} q ON q.entity_id = ${target}
          WHERE f.entity_id = ${entity} AND (f.embedding_vector <=> q.embedding_vector) <= $${param(1 - similarMinSimilarity)}::double precision)`,
      );
      return `(${entity} <> ${target} AND (${[...near, ...pictures, ...sounds, ...documents].join(' OR ')}))`;
    }
    case 'hash': {
      const value = `decode($${param(node.hex)}, 'hex')`;
      const tables = HASH_TABLES[node.hex.length] ?? [];
      return tables.length === 0 ? 'false' : `(${tables.map((t) => exists(t, (f) => `${f}.hash_value = ${value}`)).join(' OR ')})`;
    }
  }
}

/** Whether a field term reads the file properties row. */
export function fieldReadsFile(node: FieldNode): boolean {
  return node.kind === 'type' || node.kind === 'mime' || node.kind === 'ext' || (node.kind === 'measure' && node.field === 'size');
}
