import type { AssetDetail } from '../../api/dam-api';
import type { World } from '../../ecs';
import { getAssetCard, sha256Of } from './asset-query-service';
import { getEntityView } from './entity-view-service';

/** Everything the asset page shows of one entity, or null when it is not a file. */
export async function getAssetDetail(world: World, id: number): Promise<AssetDetail | null> {
  const db = world.db;
  const card = await getAssetCard(db, id);
  if (!card) return null;
  const entity = await getEntityView(db, id, world.componentTypes());
  if (!entity) return null;
  const locations = await db.query<{ url: string; last_modified_at: Date | string | null }>(
    'SELECT url, last_modified_at FROM component_file_location WHERE entity_id = $1 ORDER BY id',
    [id],
  );
  const memberOf = await db.query<{ archive_entity_id: number; original_filename: string | null; path_in_archive: string }>(
    `SELECT m.archive_entity_id, p.original_filename, m.path_in_archive FROM component_archive_member m
       LEFT JOIN component_file_properties p ON p.entity_id = m.archive_entity_id WHERE m.entity_id = $1 ORDER BY m.id`,
    [id],
  );
  const members = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM component_archive_member WHERE archive_entity_id = $1', [
    id,
  ]);
  const errors = await db.query<{ step: string; message: string }>(
    'SELECT step, message FROM component_processing_error WHERE entity_id = $1 ORDER BY id',
    [id],
  );
  return {
    card,
    entity,
    locations: locations.rows.map((r) => ({
      url: r.url,
      lastModifiedAt: r.last_modified_at === null ? null : new Date(r.last_modified_at).toISOString(),
    })),
    sha256: await sha256Of(db, id),
    memberOf: memberOf.rows.map((r) => ({
      archiveEntityId: Number(r.archive_entity_id),
      archiveName: r.original_filename,
      pathInArchive: r.path_in_archive,
    })),
    memberCount: members.rows[0]?.n ?? 0,
    errors: errors.rows,
  };
}
