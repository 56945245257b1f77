/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { digestFile } from '../src/lib/dam/services/ingest-service';
import { BrowserImageCodec } from '../src/lib/platform/browser-image-codec';
import type { MediaWorkerApi } from '../src/lib/platform/media-worker-api';

// Thin entry: the world worker's helpers for hashing and thumbnails, one per core.
const codec = new BrowserImageCodec();
const api: MediaWorkerApi = {
  digest: (blob, name) => digestFile(blob, name),
  async decode(bytes, maxSide) {
    const decoded = await codec.decode(bytes, maxSide);
    return Comlink.transfer(decoded, [decoded.image.data.buffer]);
  },
  encodeWebp: (image, quality) => codec.encodeWebp(image, quality),
};
Comlink.expose(api);
