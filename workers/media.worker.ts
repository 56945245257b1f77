/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { digestFile, digestFiles } from '../src/lib/dam/services/ingest-service';
import { BrowserImageCodec } from '../src/lib/platform/browser-image-codec';
import type { MediaWorkerApi } from '../src/lib/platform/media-worker-api';

// Thin entry: the world worker's helpers for hashing and thumbnails, one per core.
const codec = new BrowserImageCodec();
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
    return made.webp.buffer instanceof ArrayBuffer ? Comlink.transfer(made, [made.webp.buffer]) : made;
  },
};
Comlink.expose(api);
