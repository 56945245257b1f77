import type { TagSummary } from '../../api/dam-api';

export interface NamespaceGroup {
  /** Null for tags without a namespace, listed first. */
  readonly namespace: string | null;
  readonly tags: TagSummary[];
}

/** Tags grouped by namespace (no namespace first, then A→Z), each group keeping the given order. */
export function groupByNamespace(tags: readonly TagSummary[]): NamespaceGroup[] {
  const groups = new Map<string | null, TagSummary[]>();
  for (const tag of tags) {
    const list = groups.get(tag.namespace) ?? [];
    list.push(tag);
    groups.set(tag.namespace, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a.localeCompare(b)))
    .map(([namespace, list]) => ({ namespace, tags: list }));
}
