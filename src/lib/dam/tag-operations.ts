import type { AutoTaggingStatus, EntityTags, TagConceptOptions, TagDetail, TagSummary } from '../api/dam-api';
import type { ModelExecutionManager } from '../ml/model-execution-manager';
import { NeedsAutoTaggingMarker } from './components/markers';
import { TAGGING_MODEL_REGISTRY } from './models/tagging-model-registry';
import { getAutoTaggingSettings, setAutoTaggingSettings } from './services/auto-tagging-settings';
import { isTaggingModelAvailable } from './services/tagging-service';
import type { SqlExecutor } from '../db/database';
import type { World } from '../ecs';
import { DamError } from './errors';
import { acceptModelTag, rejectModelTag } from './services/model-tag-service';
import { normalizeTagName } from './services/tag-names';
import { markForTextEmbedding, markTaggedForTextEmbedding } from './services/tag-embedding-marks';
import { getEntityTags, getTagDetail, listTags } from './services/tag-query-service';
import { addTagParent, removeTagParent, removeTagSibling, setTagSibling } from './services/tag-relations-service';
import {
  applyTag,
  deleteTag,
  getOrCreateTagConcept,
  getTagConcept,
  mergeTags,
  preferredTagId,
  removeTag,
  renameTag,
  updateTagConcept,
  type ComponentLookup,
} from './services/tag-service';

/*
 * The DamApi's tag operations on an open world: each runs in one transaction, so a refused
 * change (a loop, a value on a tag without values) leaves nothing behind. Changes to manual
 * tags or to the names they show under mark the entities concerned for re-embedding (their
 * embedded text holds those names); the caller kicks the processing runner.
 */

/** Bulk tagging is bounded so one call cannot hold the world for minutes. */
const MAX_BULK_ENTITIES = 10_000;

function lookup(world: World): ComponentLookup {
  return (name) => world.componentType(name);
}

function checkBulk(entityIds: readonly number[]): void {
  if (entityIds.length > MAX_BULK_ENTITIES) {
    throw new DamError('InvalidTagError', `At most ${MAX_BULK_ENTITIES.toLocaleString('en-US')} files can be tagged at once`);
  }
}

async function detail(tx: SqlExecutor, name: string): Promise<TagDetail> {
  const found = await getTagDetail(tx, name);
  if (!found) throw new DamError('TagNotFoundError', `There is no tag "${normalizeTagName(name)}"`);
  return found;
}

export function entityTags(world: World, entityId: number): Promise<EntityTags> {
  return world.transaction((tx) => getEntityTags(tx, entityId));
}

export async function applyTagTo(world: World, entityIds: readonly number[], name: string, value?: string | null) {
  checkBulk(entityIds);
  return world.transaction(async (tx) => {
    const changed: number[] = [];
    for (const id of new Set(entityIds)) if ((await applyTag(tx, id, name, value ?? null, lookup(world))).applied) changed.push(id);
    await markForTextEmbedding(tx, changed);
    return { applied: changed.length };
  });
}

export async function removeTagFrom(world: World, entityIds: readonly number[], name: string, value?: string | null) {
  checkBulk(entityIds);
  return world.transaction(async (tx) => {
    let removed = 0;
    const changed: number[] = [];
    for (const id of new Set(entityIds)) {
      const count = await removeTag(tx, id, name, value);
      removed += count;
      if (count > 0) changed.push(id);
    }
    await markForTextEmbedding(tx, changed);
    return { removed };
  });
}

export function listTagSummaries(world: World, options: { prefix?: string; limit?: number } = {}): Promise<TagSummary[]> {
  return world.transaction((tx) => listTags(tx, options));
}

export function getTag(world: World, name: string): Promise<TagDetail | null> {
  return world.transaction((tx) => getTagDetail(tx, name));
}

export function createTag(world: World, name: string, options: TagConceptOptions = {}): Promise<TagDetail> {
  return world.transaction(async (tx) => {
    if (await getTagConcept(tx, name)) throw new DamError('TagExistsError', `A tag "${normalizeTagName(name)}" already exists`);
    const tag = await getOrCreateTagConcept(tx, name, options, lookup(world));
    return detail(tx, tag.name);
  });
}

export function updateTag(world: World, name: string, changes: { description?: string | null; allowValues?: boolean }) {
  return world.transaction(async (tx) => detail(tx, (await updateTagConcept(tx, name, changes)).name));
}

export function renameTagNamed(world: World, from: string, to: string): Promise<TagDetail> {
  return world.transaction(async (tx) => {
    const renamed = await renameTag(tx, from, to);
    await markTaggedForTextEmbedding(tx, await preferredTagId(tx, renamed.entityId));
    return detail(tx, renamed.name);
  });
}

export function mergeTagNamed(world: World, from: string, into: string): Promise<TagDetail> {
  return world.transaction(async (tx) => {
    const merged = await mergeTags(tx, from, into);
    await markTaggedForTextEmbedding(tx, await preferredTagId(tx, merged.entityId));
    return detail(tx, merged.name);
  });
}

export function deleteTagNamed(world: World, name: string): Promise<boolean> {
  return world.transaction(async (tx) => {
    const tag = await getTagConcept(tx, name);
    if (tag) await markTaggedForTextEmbedding(tx, tag.entityId);
    return deleteTag(tx, name);
  });
}

export function setSibling(world: World, alias: string, preferred: string): Promise<TagDetail> {
  return world.transaction(async (tx) => {
    const { alias: made, preferred: target } = await setTagSibling(tx, alias, preferred);
    await markTaggedForTextEmbedding(tx, target.entityId);
    return detail(tx, made.name);
  });
}

export function removeSibling(world: World, alias: string): Promise<TagDetail> {
  return world.transaction(async (tx) => {
    const tag = await getTagConcept(tx, alias);
    if (tag && (await removeTagSibling(tx, alias))) await markTaggedForTextEmbedding(tx, tag.entityId);
    return detail(tx, alias);
  });
}

export function addParent(world: World, child: string, parent: string): Promise<TagDetail> {
  return world.transaction(async (tx) => {
    await addTagParent(tx, child, parent);
    return detail(tx, child);
  });
}

export function removeParent(world: World, child: string, parent: string): Promise<TagDetail> {
  return world.transaction(async (tx) => {
    await removeTagParent(tx, child, parent);
    return detail(tx, child);
  });
}

export function acceptModelTagOn(world: World, entityId: number, name: string): Promise<EntityTags> {
  return world.transaction(async (tx) => {
    await acceptModelTag(tx, entityId, name, lookup(world));
    await markForTextEmbedding(tx, [entityId]);
    return getEntityTags(tx, entityId);
  });
}

export function rejectModelTagOn(world: World, entityId: number, name: string): Promise<EntityTags> {
  return world.transaction(async (tx) => {
    await rejectModelTag(tx, entityId, name);
    return getEntityTags(tx, entityId);
  });
}

export async function autoTaggingStatus(world: World, models: ModelExecutionManager): Promise<AutoTaggingStatus> {
  const settings = await getAutoTaggingSettings(world.db);
  const choices = await Promise.all(
    Object.entries(TAGGING_MODEL_REGISTRY).map(async ([name, info]) => ({
      name,
      description: info.description,
      available: await isTaggingModelAvailable(models, name),
    })),
  );
  const { rows } = await world.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${NeedsAutoTaggingMarker.table}`);
  return { ...settings, models: choices, pending: rows[0]?.n ?? 0 };
}

export async function setAutoTagging(
  world: World,
  models: ModelExecutionManager,
  settings: { readonly enabled: boolean; readonly model?: string },
): Promise<AutoTaggingStatus & { readonly marked: number }> {
  const marked = await world.transaction(async (tx) => {
    const current = await getAutoTaggingSettings(tx);
    return setAutoTaggingSettings(tx, { enabled: settings.enabled, model: settings.model ?? current.model });
  });
  return { ...(await autoTaggingStatus(world, models)), marked };
}
