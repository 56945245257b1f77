import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectMimeType } from '../../../src/lib/dam/services/mime-service';

const ICON = join(import.meta.dirname, '../../../static/icons/icon-192.png');

describe('detectMimeType', () => {
  it('believes the bytes over the extension', async () => {
    const png = new Uint8Array(await readFile(ICON));
    expect(await detectMimeType(png, 'icon.png')).toBe('image/png');
    expect(await detectMimeType(png, 'holiday.jpg')).toBe('image/png');
    expect(await detectMimeType(png, 'no-extension')).toBe('image/png');
  });

  it('falls back to the extension, then to octet-stream', async () => {
    const text = new TextEncoder().encode('just some words\n');
    expect(await detectMimeType(text, 'notes.TXT')).toBe('text/plain');
    expect(await detectMimeType(text, 'data.csv')).toBe('text/csv');
    expect(await detectMimeType(text, 'mystery.qqq')).toBe('application/octet-stream');
    expect(await detectMimeType(new Uint8Array(), 'empty.png')).toBe('image/png');
    expect(await detectMimeType(new Uint8Array(), '.hidden')).toBe('application/octet-stream');
  });
});
