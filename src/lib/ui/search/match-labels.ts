/** Plain words for where a semantic match came from (component/field as the service names them). */
const SOURCES: Readonly<Record<string, string>> = {
  'FilePropertiesComponent/original_filename': 'file name',
  'ExifMetadataComponent/metadata': 'photo title or description',
  'AudioPropertiesComponent/tags': 'audio tags',
  'DocumentPropertiesComponent/title': 'document title',
  'DocumentPropertiesComponent/text': 'document text',
  'TextContentComponent/text': 'text content',
  'OcrTextComponent/text': 'text in the picture',
  'FileContent/image': 'the picture',
  'FileContent/poster': 'the video',
};

/** The seed's suffixes for a field embedded with tags appended (SEED-BEHAVIOURS, tag augmentation). */
const TAG_SUFFIX = /_(manualtags|with_tags|model_.+)$/;

export function matchSourceLabel(component: string, field: string): string {
  if (field === 'sound') return 'the sound';
  const frame = /^frame@(\d+(?:\.\d+)?)$/.exec(field);
  if (component === 'FileContent' && frame)
    return `the video at ${Math.floor(Number(frame[1]) / 60)}:${String(Math.floor(Number(frame[1]) % 60)).padStart(2, '0')}`;
  const withTags = TAG_SUFFIX.test(field);
  const plain = field.replace(TAG_SUFFIX, '');
  const label = SOURCES[`${component}/${plain}`] ?? `${component.replace(/Component$/, '')} ${plain}`;
  return withTags ? `${label} and tags` : label;
}

/** Cosine similarity as people read it: a whole percentage, never below zero. */
export function scoreLabel(score: number): string {
  return `${Math.round(Math.max(0, score) * 100)}%`;
}
