/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { digestFile, digestFiles } from '../src/lib/dam/services/ingest-service';
import { BrowserImageCodec } from '../src/lib/platform/browser-image-codec';
import type { MediaWorkerApi } from '../src/lib/platform/media-worker-api';
import type { ImageThumbnail } from '../src/lib/dam/media/image-codec';

// Thin entry: the world worker's helpers for hashing and thumbnails, one per core.
const codec = new BrowserImageCodec();
/** The WebP bytes to hand over rather than copy (each made by its own encode, so never shared). */
const webpBuffers = (made: readonly ImageThumbnail[]): ArrayBuffer[] =>
  made.flatMap((m) => (m.webp.buffer instanceof ArrayBuffer ? [m.webp.buffer] : []));
const api: MediaWorkerApi = {
  digest: (blob, name) => digestFile(blob, name),
  digestMany: (files) => digestFiles(files),
  async decode(bytes, maxSide) {
    const decoded = await codec.decode(bytes, maxSide);
    return Comlink.transfer(decoded, [decoded.image.data.buffer]);
  },
  encodeWebp: (image, quality) => codec.encodeWebp(image, quality),
  async imageThumbnail(bytes, maxSide, quality) {
    const made = await codec.imageThumbnail(bytes, maxSide, quality);
    return Comlink.transfer(made, webpBuffers([made]));
  },
  async imageThumbnails(pictures, maxSide, quality) {
    const made = await codec.imageThumbnails(pictures, maxSide, quality);
    return Comlink.transfer(made, webpBuffers(made.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))));
  },
};
Comlink.expose(api);
