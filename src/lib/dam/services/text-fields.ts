import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import { FilePropertiesComponent } from '../components/files';
import { OcrTextComponent } from '../components/ocr';
import { AudioPropertiesComponent, DocumentPropertiesComponent, ExifMetadataComponent, TextContentComponent } from '../components/media';

/** One text of an entity worth embedding, named by where it came from. */
export interface TextField {
  readonly componentName: string;
  readonly fieldName: string;
  readonly text: string;
}

/** Long PDF texts are cut: text models read a few hundred tokens at most. */
export const MAX_FIELD_CHARS = 2000;

/** Where people write titles and descriptions: EXIF IFD0, XMP dc, IPTC (as exifr names them). */
const EXIF_TEXT_PATHS: readonly (readonly [string, string])[] = [
  ['ifd0', 'ImageDescription'],
  ['ifd0', 'XPTitle'],
  ['ifd0', 'XPComment'],
  ['dc', 'title'],
  ['dc', 'description'],
  ['iptc', 'ObjectName'],
  ['iptc', 'Headline'],
  ['iptc', 'Caption'],
];

const AUDIO_TAG_KEYS = ['title', 'artist', 'album', 'genre', 'comment'];

/** Strings inside exifr's values: plain, arrays, or XMP language alternatives `{ lang, value }`. */
function textsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsIn);
  if (value && typeof value === 'object' && 'value' in value) return textsIn((value as { value: unknown }).value);
  return [];
}

function field(componentName: string, fieldName: string, parts: readonly string[]): TextField[] {
  const text = [...new Set(parts.map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean))].join(' ').slice(0, MAX_FIELD_CHARS);
  return text ? [{ componentName, fieldName, text }] : [];
}

/**
 * The texts `updateTextEmbeddingsForEntity` embeds: file name, EXIF title/description, audio
 * tags, PDF title and text, plain text, and text read in a picture.
 */
export async function collectTextFields(db: SqlExecutor, entityId: EntityId): Promise<TextField[]> {
  const [file, exif, audio, document, content, ocr] = await Promise.all([
    ecs.getComponent(db, entityId, FilePropertiesComponent),
    ecs.getComponent(db, entityId, ExifMetadataComponent),
    ecs.getComponent(db, entityId, AudioPropertiesComponent),
    ecs.getComponent(db, entityId, DocumentPropertiesComponent),
    ecs.getComponent(db, entityId, TextContentComponent),
    ecs.getComponent(db, entityId, OcrTextComponent),
  ]);
  const fields: TextField[] = [];
  if (file?.originalFilename) {
    // "IMG_2041 beach-sunset.jpg" reads better to a text model as "IMG 2041 beach sunset".
    const stem = file.originalFilename.replace(/\.[^.]{1,5}$/, '').replace(/[_\-.]+/g, ' ');
    fields.push(...field(FilePropertiesComponent.name, 'original_filename', [stem]));
  }
  if (exif) {
    const blocks = exif.metadata as Record<string, Record<string, unknown> | undefined>;
    const parts = EXIF_TEXT_PATHS.flatMap(([block, key]) => textsIn(blocks[block]?.[key]));
    fields.push(...field(ExifMetadataComponent.name, 'metadata', parts));
  }
  if (audio?.tags) {
    const tags = audio.tags as Record<string, unknown>;
    fields.push(
      ...field(
        AudioPropertiesComponent.name,
        'tags',
        AUDIO_TAG_KEYS.flatMap((k) => textsIn(tags[k])),
      ),
    );
  }
  if (document) {
    fields.push(...field(DocumentPropertiesComponent.name, 'title', document.title ? [document.title] : []));
    fields.push(...field(DocumentPropertiesComponent.name, 'text', document.text ? [document.text] : []));
  }
  if (content) fields.push(...field(TextContentComponent.name, 'text', [content.text]));
  if (ocr) fields.push(...field(OcrTextComponent.name, 'text', [ocr.text]));
  return fields;
}
