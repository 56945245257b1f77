import type { TaggerLabel, TaggerLabelCategory } from './image-tagger';

const CATEGORIES: Readonly<Record<string, TaggerLabelCategory>> = { '0': 'general', '4': 'character', '9': 'rating' };

/**
 * Booru tags are written with underscores; people type spaces. Short names are left alone, since
 * they are mostly emoticons (`^_^`, `o_o`) whose underscore is the face.
 */
function readableTagName(name: string): string {
  return name.length > 3 ? name.replace(/_/g, ' ') : name;
}

/**
 * The WD taggers' `selected_tags.csv` (`tag_id,name,category,count`, one row per model output,
 * in order) as labels: ratings become `rating:<name>`, characters `character:<name>`.
 */
export function parseSelectedTagsCsv(text: string): TaggerLabel[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines.shift()?.split(',') ?? [];
  const nameAt = header.indexOf('name');
  const categoryAt = header.indexOf('category');
  if (nameAt < 0 || categoryAt < 0) throw new Error('selected_tags.csv has no name and category columns');
  return lines.map((line, row) => {
    // Names hold no commas in these files, but may be quoted.
    const cells = line.split(',').map((cell) => cell.replace(/^"(.*)"$/, '$1'));
    const name = cells[nameAt];
    const category = CATEGORIES[cells[categoryAt] ?? ''];
    if (!name) throw new Error(`selected_tags.csv row ${row + 2} has no name`);
    if (!category) throw new Error(`selected_tags.csv row ${row + 2} ("${name}") has an unknown category ${cells[categoryAt]}`);
    const readable = readableTagName(name);
    return { name: category === 'general' ? readable : `${category}:${readable}`, category };
  });
}
