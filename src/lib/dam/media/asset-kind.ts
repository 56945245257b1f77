import type { AssetKind } from '../../api/dam-api';

/** The essence of a MIME type: lowercase, without parameters (`text/plain; charset=utf-8` → `text/plain`). */
function essence(mimeType: string): string {
  return (mimeType.split(';')[0] ?? '').trim().toLowerCase();
}

const ARCHIVE_TYPES: ReadonlySet<string> = new Set(['application/zip', 'application/x-zip-compressed']);

/**
 * What kind of asset a MIME type names. SVG is `other`: it is a document that may run script,
 * not pixels this app decodes.
 */
export function assetKindOf(mimeType: string | null): AssetKind {
  if (mimeType === null) return 'other';
  const type = essence(mimeType);
  if (type === 'image/svg+xml') return 'other';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  if (type === 'application/pdf') return 'pdf';
  if (ARCHIVE_TYPES.has(type)) return 'archive';
  return 'other';
}
