import type { AssetKind } from '../api/dam-api';

/** How each kind of asset is named: one of it, many of it (filter menu), and its tile label. */
export const KIND_NAMES: Readonly<Record<AssetKind, { one: string; many: string; filter: string; badge: string }>> = {
  image: { one: 'image', many: 'images', filter: 'Images', badge: 'Image' },
  audio: { one: 'audio file', many: 'audio files', filter: 'Audio', badge: 'Audio' },
  video: { one: 'video', many: 'videos', filter: 'Video', badge: 'Video' },
  pdf: { one: 'PDF', many: 'PDFs', filter: 'PDF', badge: 'PDF' },
  archive: { one: 'archive', many: 'archives', filter: 'Archives', badge: 'Archive' },
  other: { one: 'other file', many: 'other files', filter: 'Other', badge: 'File' },
};
