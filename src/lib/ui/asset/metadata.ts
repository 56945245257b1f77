import type { AssetDetail, ComponentView } from '../../api/dam-api';
import { formatBytes, formatDate, formatDuration } from '../format';
import { KIND_NAMES } from '../kinds';

/**
 * The asset page's summary: the fields people look for, in words, picked from the components.
 * Field names are the camelCase column names of `src/lib/dam/components/*.ts`; values arrive as
 * the worker sends them (dates as ISO strings, 64-bit integers as strings).
 */
export interface MetadataRow {
  readonly label: string;
  readonly value: string;
}

type Fields = Readonly<Record<string, unknown>>;

function fieldsOf(components: readonly ComponentView[], name: string): Fields | null {
  return components.find((c) => c.name === name)?.fields ?? null;
}

function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function str(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(str).filter(Boolean).join(', ') || null;
  return null;
}

/** 12.3456 → "12.35", 25 → "25": no trailing zeros. */
function decimal(value: number, digits = 2): string {
  return String(Number(value.toFixed(digits)));
}

function channels(count: number): string {
  return count === 1 ? 'mono' : count === 2 ? 'stereo' : `${count} channels`;
}

function sampleRate(hz: number): string {
  return hz >= 1000 ? `${decimal(hz / 1000, 1)} kHz` : `${hz} Hz`;
}

function coordinates(lat: number, lon: number): string {
  const ns = lat >= 0 ? 'N' : 'S';
  const ew = lon >= 0 ? 'E' : 'W';
  return `${Math.abs(lat).toFixed(5)}° ${ns}, ${Math.abs(lon).toFixed(5)}° ${ew}`;
}

/** "Canon Canon EOS R5" → "Canon EOS R5": many cameras repeat the make in the model. */
function camera(make: string | null, model: string | null): string | null {
  if (make && model) return model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`;
  return make ?? model;
}

const THUMBNAIL_SOURCES: Readonly<Record<string, string>> = {
  exif: 'the preview embedded in the file',
  image: 'the image',
  video: 'a frame of the video',
  pdf: 'the first page',
};

export function metadataRows(detail: AssetDetail): MetadataRow[] {
  const rows: MetadataRow[] = [];
  const add = (label: string, value: string | null | undefined) => {
    if (value) rows.push({ label, value });
  };
  const components = detail.entity.components;
  const file = fieldsOf(components, 'FilePropertiesComponent');
  const dimensions = fieldsOf(components, 'ImageDimensionsComponent');
  const exif = fieldsOf(components, 'ExifMetadataComponent');
  const audio = fieldsOf(components, 'AudioPropertiesComponent');
  const frames = fieldsOf(components, 'FramePropertiesComponent');
  const document = fieldsOf(components, 'DocumentPropertiesComponent');
  const thumbnail = fieldsOf(components, 'ThumbnailComponent');
  const tags = (audio?.['tags'] ?? null) as Fields | null;
  const { card } = detail;

  const mime = card.mimeType ?? str(file?.['mimeType']);
  add('Type', mime ? `${KIND_NAMES[card.kind].badge} (${mime})` : KIND_NAMES[card.kind].badge);
  const size = card.sizeBytes ?? num(file?.['fileSizeBytes']);
  add('Size', size === null ? null : formatBytes(size));
  const width = num(dimensions?.['widthPixels']) ?? card.width;
  const height = num(dimensions?.['heightPixels']) ?? card.height;
  add('Dimensions', width !== null && height !== null ? `${width} × ${height} pixels` : null);
  add('Taken', formatDate(str(exif?.['takenAt']) ?? card.takenAt));
  add('Camera', camera(str(exif?.['cameraMake']), str(exif?.['cameraModel'])));
  const lat = num(exif?.['gpsLatitude']);
  const lon = num(exif?.['gpsLongitude']);
  add('Location (GPS)', lat !== null && lon !== null ? coordinates(lat, lon) : null);

  const duration = num(audio?.['durationSeconds']) ?? num(frames?.['durationSeconds']);
  add('Duration', duration === null ? null : formatDuration(duration));
  add('Codec', [str(frames?.['codec']), str(audio?.['codec'])].filter(Boolean).join(', '));
  const rate = num(audio?.['sampleRate']);
  add('Sample rate', rate === null ? null : sampleRate(rate));
  const channelCount = num(audio?.['channels']);
  add('Channels', channelCount === null ? null : channels(channelCount));
  const bitRate = num(audio?.['bitRateKbps']);
  add('Bit rate', bitRate === null ? null : `${Math.round(bitRate)} kbps`);
  const fps = num(frames?.['frameRate']);
  add('Frame rate', fps === null ? null : `${decimal(fps)} frames per second`);
  const frameCount = num(frames?.['frameCount']);
  add('Frames', frameCount === null ? null : String(frameCount));
  const pages = num(document?.['pageCount']);
  add('Pages', pages === null ? null : String(pages));

  add('Title', str(document?.['title']) ?? str(tags?.['title']));
  add('Artist', str(tags?.['artist']) ?? str(tags?.['artists']));
  add('Album', str(tags?.['album']));
  add('Year', str(tags?.['year']));
  add('Genre', str(tags?.['genre']));

  if (detail.memberCount > 0) add('Files inside', String(detail.memberCount));
  const thumbWidth = num(thumbnail?.['widthPixels']);
  const thumbHeight = num(thumbnail?.['heightPixels']);
  const source = str(thumbnail?.['source']);
  if (thumbWidth !== null && thumbHeight !== null) {
    add('Thumbnail', `${thumbWidth} × ${thumbHeight}${source ? `, from ${THUMBNAIL_SOURCES[source] ?? source}` : ''}`);
  }
  add('Added', formatDate(card.addedAt));
  add('SHA-256', detail.sha256);
  return rows;
}
