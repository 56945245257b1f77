import { expect } from 'vitest';
import { listAssets } from '../../../src/lib/dam/services/asset-query-service';
import type { SqlExecutor } from '../../../src/lib/db/database';

/** The ids of the assets a search finds, ascending, checking that the count agrees with the page. */
export async function matchingIds(db: SqlExecutor, search: string): Promise<number[]> {
  const page = await listAssets(db, { search, limit: 500 });
  const found = page.items.map((a) => a.id).sort((a, b) => a - b);
  expect(page.total).toBe(found.length);
  return found;
}
