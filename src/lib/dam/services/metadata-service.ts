import type { SqlExecutor } from '../../db/database';
import { ecs } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import { NeedsThumbnailMarker } from '../components/markers';
import {
  AudioPropertiesComponent,
  DocumentPropertiesComponent,
  FramePropertiesComponent,
  ImageDimensionsComponent,
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

/**
 * The cheap metadata of one stored file, written as components in the caller's transaction:
 * dimensions, EXIF/IPTC/XMP and the embedded preview for images; properties and tags for audio;
 * dimensions and frame rate for video; page count and text for PDFs. Images, videos and PDFs
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
