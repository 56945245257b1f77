import type { SqlExecutor } from '../../db/database';
import { ecs } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import { NeedsThumbnailMarker } from '../components/markers';
import {
  AudioPropertiesComponent,
  DocumentPropertiesComponent,
  FramePropertiesComponent,
  ImageDimensionsComponent,
  TextContentComponent,
} from '../components/media';
import { assetKindOf } from '../media/asset-kind';
import { extractAudio } from '../media/audio-extractor';
import { extractPdf } from '../media/pdf-extractor';
import { extractVideo } from '../media/video-extractor';
import type { BlobWriteBatch } from './derived-blob-service';
import { readImageFacts, writeImageFacts } from './image-facts-service';
import { readStoredBlob, type StoredFile } from './stored-file-service';

/** Pictures up to this size are read whole for EXIF; beyond it, only the head holds EXIF. */
const WHOLE_IMAGE_READ_LIMIT = 64 * 1024 * 1024;
const IMAGE_HEAD_BYTES = 4 * 1024 * 1024;
/** PDFs beyond this are too big to parse in the worker's memory; they keep their file properties. */
const PDF_READ_LIMIT = 256 * 1024 * 1024;
/** Plain text kept per file: enough for search and for a text model, which reads far less. */
export const TEXT_CONTENT_BYTES = 64 * 1024;
const TEXT_TYPES: ReadonlySet<string> = new Set(['text/plain', 'text/markdown']);

/** The file's opening text, decoded as UTF-8 (bad bytes become U+FFFD, never an error). */
async function readTextContent(blob: Blob): Promise<{ text: string; truncated: boolean }> {
  const head = new Uint8Array(await blob.slice(0, TEXT_CONTENT_BYTES).arrayBuffer());
  // `stream: true` holds back a character cut in half at the end instead of mangling it.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head, { stream: blob.size > TEXT_CONTENT_BYTES });
  // PostgreSQL text cannot hold NUL characters.
  return { text: text.replaceAll('\u0000', ''), truncated: blob.size > TEXT_CONTENT_BYTES };
}

/**
 * The cheap metadata of one stored file, written as components in the caller's transaction:
 * dimensions, EXIF/IPTC/XMP and the embedded preview for images; properties and tags for audio;
 * dimensions and frame rate for video; page count and text for PDFs; the opening text of plain
 * text and Markdown. Images, videos and PDFs
 * are then marked for a decoded thumbnail. Throws when the file cannot be read as its type.
 */
export async function extractMetadata(tx: SqlExecutor, blobs: BlobStore, file: StoredFile, batch?: BlobWriteBatch): Promise<void> {
  const id = file.entityId;
  const kind = assetKindOf(file.mimeType);
  if (kind === 'image') {
    const blob = await readStoredBlob(blobs, file);
    const bytes = new Uint8Array(await (blob.size <= WHOLE_IMAGE_READ_LIMIT ? blob : blob.slice(0, IMAGE_HEAD_BYTES)).arrayBuffer());
    await ecs.addMarker(tx, NeedsThumbnailMarker, [id]);
    const facts = await readImageFacts(bytes);
    if (facts.preview) {
      if (batch) batch.add(facts.preview.sha256, facts.preview.bytes);
      else await blobs.put(facts.preview.sha256, facts.preview.bytes);
    }
    await writeImageFacts(tx, id, facts);
    return;
  }
  if (kind === 'audio') {
    const audio = await extractAudio(await readStoredBlob(blobs, file), file.mimeType);
    await ecs.setComponent(tx, id, AudioPropertiesComponent.create({ ...audio, tags: { ...audio.tags } }));
    return;
  }
  if (kind === 'video') {
    const video = await extractVideo(await readStoredBlob(blobs, file), file.mimeType);
    if (video.width && video.height)
      await ecs.setComponent(tx, id, ImageDimensionsComponent.create({ widthPixels: video.width, heightPixels: video.height }));
    await ecs.setComponent(
      tx,
      id,
      FramePropertiesComponent.create({
        frameCount: video.frameCount,
        frameRate: video.frameRate,
        durationSeconds: video.durationSeconds,
        codec: video.codec,
      }),
    );
    await ecs.addMarker(tx, NeedsThumbnailMarker, [id]);
    return;
  }
  if (file.mimeType !== null && TEXT_TYPES.has(file.mimeType.split(';')[0]!.trim().toLowerCase())) {
    const content = await readTextContent(await readStoredBlob(blobs, file));
    if (content.text.trim()) await ecs.setComponent(tx, id, TextContentComponent.create(content));
    return;
  }
  if (kind === 'pdf') {
    if ((file.sizeBytes ?? 0) > PDF_READ_LIMIT) return;
    const pdf = await extractPdf(new Uint8Array(await (await readStoredBlob(blobs, file)).arrayBuffer()));
    await ecs.setComponent(
      tx,
      id,
      DocumentPropertiesComponent.create({ pageCount: pdf.pageCount, title: pdf.title, text: pdf.text || null }),
    );
    await ecs.addMarker(tx, NeedsThumbnailMarker, [id]);
  }
}
