import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MEDIA = join(import.meta.dirname, '../../../fixtures/media');

export async function fixtureBytes(name: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(join(MEDIA, name)));
}

export async function fixtureBlob(name: string, type = ''): Promise<Blob> {
  return new Blob([await readFile(join(MEDIA, name))], { type });
}

interface Expected {
  files: Record<string, { size: number; sha256: string }>;
  'photo.jpg': {
    width: number;
    height: number;
    make: string;
    model: string;
    takenAtUtc: string;
    gpsLatitude: number;
    gpsLongitude: number;
  };
  'photo-resized.jpg': { width: number; height: number };
  'other.png': { width: number; height: number };
  'tone.wav': { durationSeconds: number; sampleRate: number; channels: number };
  'tone.mp3'?: { title: string; artist: string; sampleRate: number; durationSeconds: number };
  'clip.mp4'?: { width: number; height: number; frameRate: number; frameCount: number; durationSeconds: number };
  'clip.webm'?: { width: number; height: number; durationSeconds: number };
  'doc.pdf': { pageCount: number; title: string; pageTexts: string[] };
  'bundle.zip': { members: string[] };
}

export async function expected(): Promise<Expected> {
  return JSON.parse(await readFile(join(MEDIA, 'expected.json'), 'utf8')) as Expected;
}
