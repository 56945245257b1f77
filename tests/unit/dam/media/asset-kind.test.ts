import { describe, expect, it } from 'vitest';
import type { AssetKind } from '../../../../src/lib/api/dam-api';
import { assetKindOf } from '../../../../src/lib/dam/media/asset-kind';

describe('assetKindOf', () => {
  it.each<[string | null, AssetKind]>([
    ['image/jpeg', 'image'],
    ['image/png', 'image'],
    ['image/webp', 'image'],
    ['image/heic', 'image'],
    ['IMAGE/GIF', 'image'],
    ['image/svg+xml', 'other'],
    ['audio/mpeg', 'audio'],
    ['audio/wav', 'audio'],
    ['video/mp4', 'video'],
    ['video/webm', 'video'],
    ['application/pdf', 'pdf'],
    ['application/zip', 'archive'],
    ['application/x-zip-compressed', 'archive'],
    ['application/zip; charset=binary', 'archive'],
    ['application/x-tar', 'other'],
    ['text/plain', 'other'],
    ['application/octet-stream', 'other'],
    ['', 'other'],
    [null, 'other'],
  ])('%s → %s', (mimeType, kind) => {
    expect(assetKindOf(mimeType)).toBe(kind);
  });
});
