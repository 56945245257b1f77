import type {
  AssetDetail,
  AssetFile,
  AssetPage,
  AssetQuery,
  ComponentInput,
  DamApi,
  DeleteResult,
  DuplicateReport,
  EntityListOptions,
  EntityView,
  IngestFileInput,
  IngestFileResult,
  IngestStatus,
  SavedSearch,
  SavedSearchInput,
  TagConceptOptions,
  VerifyReport,
} from '../api/dam-api';
import type { SqlExecutor } from '../db/database';
import { componentFromInput, ecs, type ComponentInstance, InvalidComponentFieldsError, type World } from '../ecs';
import { DamError } from './errors';
import { SoundHost } from './sound-host';
import { describeIngestError } from './ingest/ingest-errors';
import { IngestProgress } from './ingest/ingest-progress';
import { getAssetDetail } from './services/asset-detail-service';
import { getAssetCard, listAssets, sha256Of } from './services/asset-query-service';
import { deleteEntities } from './services/delete-service';
import { duplicateReport } from './services/duplicate-service';
import { getEntityView, listEntitySummaries } from './services/entity-view-service';
import { prepareFile, recordFile } from './services/ingest-service';
import { verifyBlobs } from './services/verify-service';

import * as tags from './tag-operations';
import * as savedSearchService from './services/saved-search-service';

/**
 * The DAM application behind the `DamApi`: the worlds (`WorldHost`), whole-world archives
 * (`WorldArchiveHost`) and the shared models (`ModelHost`) below it, and here the operations the
 * UI may ask for on the open world's entities, files, assets, tags and searches.
 */
export class DamApp extends SoundHost implements DamApi {
  async createEntity(components: readonly ComponentInput[]): Promise<EntityView> {
    const world = this.requireOpen();
    const instances = components.map((c) => this.toInstance(world, c));
    const id = await world.transaction((tx) => insertEntity(tx, instances));
    return (await getEntityView(world.db, id, world.componentTypes()))!;
  }

  async createEntities(entities: readonly (readonly ComponentInput[])[]): Promise<number[]> {
    const world = this.requireOpen();
    const instances = entities.map((components) => components.map((c) => this.toInstance(world, c)));
    return world.transaction(async (tx) => {
      const ids: number[] = [];
      for (const components of instances) ids.push(await insertEntity(tx, components));
      return ids;
    });
  }

  async getEntity(id: number): Promise<EntityView | null> {
    const world = this.requireOpen();
    return getEntityView(world.db, id, world.componentTypes());
  }

  async listEntities(options: EntityListOptions = {}) {
    return listEntitySummaries(this.requireOpen().db, options);
  }

  async deleteEntity(id: number): Promise<boolean> {
    return this.requireOpen().transaction((tx) => ecs.deleteEntity(tx, id));
  }

  async componentNames(): Promise<string[]> {
    return this.requireOpen()
      .componentTypes()
      .map((t) => t.name)
      .sort();
  }

  async ingestFiles(files: readonly IngestFileInput[]): Promise<IngestFileResult[]> {
    const { world, blobs } = this.requireOpenWorld();
    const results: IngestFileResult[] = [];
    for (const input of files) {
      try {
        const modifiedAt = input.lastModified !== undefined ? new Date(input.lastModified) : null;
        const prepared = await prepareFile(blobs, { name: input.name, path: input.path, blob: input.file, modifiedAt });
        const result = await world.transaction((tx) => recordFile(tx, prepared));
        results.push({ name: input.name, entityId: result.entityId, created: result.created, error: null });
      } catch (error) {
        results.push({ name: input.name, entityId: null, created: false, error: describeIngestError(error) });
      }
    }
    return results;
  }

  /** Runs the stages until no marked work is left (Node, tests; the browser's runner does this). */
  async processPending(): Promise<number> {
    return this.requireOpen().runPending();
  }

  async enqueueFiles(files: readonly IngestFileInput[]): Promise<{ queued: number }> {
    const { runner } = this.requireOpenWorld();
    await runner.enqueue(files.map((f) => ({ name: f.name, path: f.path, file: f.file, lastModified: f.lastModified })));
    return { queued: files.length };
  }

  /** Resolves when the background ingest has nothing left to do. */
  async ingestIdle(): Promise<void> {
    await this.requireOpenWorld().runner.idle();
  }

  async ingestStatus(): Promise<IngestStatus> {
    if (!this.open) return new IngestProgress().snapshot();
    return this.open.runner.progress.snapshot();
  }

  async cancelIngest(): Promise<void> {
    await this.open?.runner.cancel();
  }

  async clearIngestResults(): Promise<void> {
    this.open?.runner.progress.clearResults();
  }

  async listAssets(query: AssetQuery = {}): Promise<AssetPage> {
    return listAssets(this.requireOpen().db, query, this.queryContext({ pictureMinSimilarity: query.minPictureSimilarity }));
  }

  async getAsset(id: number): Promise<AssetDetail | null> {
    return getAssetDetail(this.requireOpen(), id);
  }

  async getThumbnail(id: number): Promise<Blob | null> {
    const { world, blobs } = this.requireOpenWorld();
    const { rows } = await world.db.query<{ blob_sha256: string; mime_type: string }>(
      'SELECT blob_sha256, mime_type FROM component_thumbnail WHERE entity_id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    const blob = await blobs.get(row.blob_sha256);
    return blob ? new Blob([blob], { type: row.mime_type }) : null;
  }

  async getOriginal(id: number): Promise<AssetFile | null> {
    const { world, blobs } = this.requireOpenWorld();
    const card = await getAssetCard(world.db, id);
    const sha = await sha256Of(world.db, id);
    if (!card || !sha) return null;
    const blob = await blobs.get(sha);
    if (!blob) throw new DamError('EntityNotFoundError', `The stored bytes of “${card.name ?? id}” are missing; run Verify in Settings`);
    const mimeType = card.mimeType ?? 'application/octet-stream';
    return { name: card.name ?? `asset-${id}`, mimeType, blob: new Blob([blob], { type: mimeType }) };
  }

  async deleteAsset(id: number): Promise<DeleteResult> {
    const { world, blobs } = this.requireOpenWorld();
    const { deleted, blobsRemoved } = await deleteEntities(world.db, blobs, [id]);
    return { deleted: deleted.length > 0, blobRemoved: blobsRemoved > 0 };
  }

  entityTags(entityId: number) {
    return tags.entityTags(this.requireOpen(), entityId);
  }

  applyTag(entityIds: readonly number[], name: string, value?: string | null) {
    return this.reembedAfter(tags.applyTagTo(this.requireOpen(), entityIds, name, value));
  }

  removeTag(entityIds: readonly number[], name: string, value?: string | null) {
    return this.reembedAfter(tags.removeTagFrom(this.requireOpen(), entityIds, name, value));
  }

  listTags(options?: { prefix?: string; limit?: number }) {
    return tags.listTagSummaries(this.requireOpen(), options);
  }

  getTag(name: string) {
    return tags.getTag(this.requireOpen(), name);
  }

  createTag(name: string, options?: TagConceptOptions) {
    return tags.createTag(this.requireOpen(), name, options);
  }

  updateTag(name: string, changes: { description?: string | null; allowValues?: boolean }) {
    return tags.updateTag(this.requireOpen(), name, changes);
  }

  renameTag(from: string, to: string) {
    return this.reembedAfter(tags.renameTagNamed(this.requireOpen(), from, to));
  }

  mergeTags(from: string, into: string) {
    return this.reembedAfter(tags.mergeTagNamed(this.requireOpen(), from, into));
  }

  deleteTag(name: string) {
    return this.reembedAfter(tags.deleteTagNamed(this.requireOpen(), name));
  }

  setTagSibling(alias: string, preferred: string) {
    return this.reembedAfter(tags.setSibling(this.requireOpen(), alias, preferred));
  }

  removeTagSibling(alias: string) {
    return this.reembedAfter(tags.removeSibling(this.requireOpen(), alias));
  }

  addTagParent(child: string, parent: string) {
    return tags.addParent(this.requireOpen(), child, parent);
  }

  removeTagParent(child: string, parent: string) {
    return tags.removeParent(this.requireOpen(), child, parent);
  }

  acceptModelTag(entityId: number, name: string) {
    return this.reembedAfter(tags.acceptModelTagOn(this.requireOpen(), entityId, name));
  }

  rejectModelTag(entityId: number, name: string) {
    return tags.rejectModelTagOn(this.requireOpen(), entityId, name);
  }

  autoTagging() {
    return tags.autoTaggingStatus(this.requireOpen(), this.modelResources().models);
  }

  /** Turning auto-tagging on queues the untagged images: the runner starts on them at once. */
  setAutoTagging(settings: { readonly enabled: boolean; readonly model?: string }) {
    return this.reembedAfter(tags.setAutoTagging(this.requireOpen(), this.modelResources().models, settings));
  }

  /** Tag changes mark entities for re-embedding (their text holds tag names): process them now. */
  private async reembedAfter<T>(change: Promise<T>): Promise<T> {
    const result = await change;
    this.requireOpenWorld().runner.kick();
    return result;
  }

  savedSearches(): Promise<SavedSearch[]> {
    return savedSearchService.listSavedSearches(this.requireOpen().db, this.queryContext());
  }

  saveSearch(search: SavedSearchInput): Promise<SavedSearch> {
    return savedSearchService.saveSearch(this.requireOpen().db, search, this.queryContext());
  }

  markSavedSearchSeen(id: number): Promise<SavedSearch> {
    return savedSearchService.markSavedSearchSeen(this.requireOpen().db, id, this.queryContext());
  }

  deleteSavedSearch(id: number): Promise<boolean> {
    return savedSearchService.deleteSavedSearch(this.requireOpen().db, id);
  }

  async duplicateReport(options: { threshold?: number } = {}): Promise<DuplicateReport> {
    return duplicateReport(this.requireOpen().db, options.threshold);
  }

  async keepOne(keepId: number, others: readonly number[]): Promise<{ deleted: number }> {
    const { world, blobs } = this.requireOpenWorld();
    const { deleted } = await deleteEntities(
      world.db,
      blobs,
      others.filter((id) => id !== keepId),
    );
    return { deleted: deleted.length };
  }

  async keepOneLocation(entityId: number, url: string): Promise<{ removed: number }> {
    return this.requireOpen().transaction(async (tx) => {
      const { rows: kept } = await tx.query('SELECT 1 FROM component_file_location WHERE entity_id = $1 AND url = $2', [entityId, url]);
      if (kept.length === 0) throw new DamError('EntityNotFoundError', `Asset ${entityId} has no location “${url}”`);
      const { rows } = await tx.query('DELETE FROM component_file_location WHERE entity_id = $1 AND url <> $2 RETURNING id', [
        entityId,
        url,
      ]);
      return { removed: rows.length };
    });
  }

  async verifyBlobs(): Promise<VerifyReport> {
    const { world, blobs } = this.requireOpenWorld();
    return verifyBlobs(world.db, blobs);
  }

  private toInstance(world: World, input: ComponentInput) {
    const type = world.componentType(input.component);
    if (!type) throw new DamError('UnknownComponentError', `There is no component named "${input.component}"`);
    try {
      return componentFromInput(type, input.fields);
    } catch (error) {
      if (error instanceof InvalidComponentFieldsError) throw new DamError('InvalidComponentFieldsError', error.message);
      throw error;
    }
  }
}

async function insertEntity(tx: SqlExecutor, components: readonly ComponentInstance<object>[]): Promise<number> {
  const entityId = await ecs.createEntity(tx);
  for (const component of components) await ecs.addComponent(tx, entityId, component);
  return entityId;
}
