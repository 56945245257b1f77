import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin, ResolvedConfig } from 'vite';
import { makeWorldTemplate } from '../src/lib/db/world-template.ts';
import { createDamWorld } from '../src/lib/dam/create-world.ts';

/** Where the app finds the template; `browser-platform.ts` reads the same path. */
export const WORLD_TEMPLATE_URL = 'pglite/world-template.tar.gz';

/**
 * Emits the new-world template (`makeWorldTemplate`) into the client build and serves it in dev.
 * It holds the DAM schema too: migrations cost a new browser world 3–10 s, and a world opened
 * from the template finds each one recorded with its checksum, so it applies only newer ones.
 */
export function worldTemplate(): Plugin {
  let config: ResolvedConfig;
  let template: Promise<Uint8Array> | undefined;
  const build = () =>
    (template ??= makeWorldTemplate('gzip', async (db) => {
      await createDamWorld({ name: 'template', databaseUrl: 'memory://' }, db);
    }).then(async (blob) => new Uint8Array(await blob.arrayBuffer())));
  return {
    name: 'dam-world-template',
    configResolved(resolved) {
      config = resolved;
    },
    async generateBundle() {
      if (config.build.ssr) return;
      this.emitFile({ type: 'asset', fileName: WORLD_TEMPLATE_URL, source: await build() });
    },
    configureServer(server) {
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path !== `${config.base}${WORLD_TEMPLATE_URL}`) return next();
        build().then(
          (bytes) => {
            res.setHeader('Content-Type', 'application/gzip');
            res.setHeader('Content-Length', bytes.byteLength);
            res.end(bytes);
          },
          (error: unknown) => {
            res.statusCode = 500;
            res.end(String(error));
          },
        );
      });
    },
  };
}
