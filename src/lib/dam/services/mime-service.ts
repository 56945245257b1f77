import { fileTypeFromBuffer } from 'file-type';

/** Enough of a file's head for file-type to recognise every format it knows. */
export const MIME_SNIFF_BYTES = 64 * 1024;

/** For formats without magic bytes (text), and for bytes file-type does not know. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = Object.freeze({
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  svg: 'image/svg+xml',
  xml: 'application/xml',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  pdf: 'application/pdf',
  zip: 'application/zip',
});

export const FALLBACK_MIME_TYPE = 'application/octet-stream';

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The MIME type from the file's own bytes, else from its extension, else octet-stream. */
export async function detectMimeType(head: Uint8Array, name: string): Promise<string> {
  const sniffed = head.byteLength > 0 ? await fileTypeFromBuffer(head.subarray(0, MIME_SNIFF_BYTES)) : undefined;
  return sniffed?.mime ?? MIME_BY_EXTENSION[extensionOf(name)] ?? FALLBACK_MIME_TYPE;
}
