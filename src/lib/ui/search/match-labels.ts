/** Plain words for where a semantic match came from (component/field as the service names them). */
const SOURCES: Readonly<Record<string, string>> = {
  'FilePropertiesComponent/original_filename': 'file name',
  'ExifMetadataComponent/metadata': 'photo title or description',
  'AudioPropertiesComponent/tags': 'audio tags',
  'DocumentPropertiesComponent/title': 'document title',
  'DocumentPropertiesComponent/text': 'document text',
  'TextContentComponent/text': 'text content',
};

export function matchSourceLabel(component: string, field: string): string {
  return SOURCES[`${component}/${field}`] ?? `${component.replace(/Component$/, '')} ${field}`;
}

/** Cosine similarity as people read it: a whole percentage, never below zero. */
export function scoreLabel(score: number): string {
  return `${Math.round(Math.max(0, score) * 100)}%`;
}
