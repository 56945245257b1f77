import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMBEDDING_MODEL_REGISTRY } from '../../../src/lib/dam/models/embedding-model-registry';
import { TAGGING_MODEL_REGISTRY } from '../../../src/lib/dam/models/tagging-model-registry';
import { OCR_MODEL_REGISTRY } from '../../../src/lib/dam/models/ocr-model-registry';
import { AUDIO_EMBEDDING_MODEL_REGISTRY } from '../../../src/lib/dam/models/audio-embedding-model-registry';
import { appBundledFiles, bundledFileBytes } from '../../../vite-plugins/bundled-assets';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('bundled model sizes shown in Settings', () => {
  it.each(
    [
      ...Object.entries(EMBEDDING_MODEL_REGISTRY),
      ...Object.entries(TAGGING_MODEL_REGISTRY),
      ...Object.entries(OCR_MODEL_REGISTRY),
      ...Object.entries(AUDIO_EMBEDDING_MODEL_REGISTRY),
    ].filter(([, info]) => info.bundled),
  )('%s states the size of the files the build ships', (_name, info) => {
    const shipped = appBundledFiles(root).filter((file) => file.url.startsWith(`models/${info.bundled}/`));
    expect(shipped.length).toBeGreaterThan(0);
    expect(info.sizeBytes).toBe(shipped.reduce((sum, file) => sum + bundledFileBytes(file).byteLength, 0));
  });
});
