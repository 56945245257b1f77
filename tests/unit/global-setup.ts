import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWorldTemplate } from '../../src/lib/db/world-template';

/**
 * Runs initdb once for the whole unit suite (~5 s on two cores) instead of once per test file:
 * every file runs in its own process, and each would otherwise make its own world template.
 * Test processes inherit `DAM_WORLD_TEMPLATE`; `openTestDatabase` and the Node platform load it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'dam-world-template-'));
  const path = join(dir, 'world-template.tar');
  await writeFile(path, new Uint8Array(await (await makeWorldTemplate('none')).arrayBuffer()));
  process.env.DAM_WORLD_TEMPLATE = path;
  return () => rm(dir, { recursive: true, force: true });
}
