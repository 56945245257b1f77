import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig, type Plugin } from 'vite';
import { bundledAssets } from './vite-plugins/bundled-assets.ts';
import { worldTemplate } from './vite-plugins/world-template.ts';

/**
 * Cross-origin isolation (COOP/COEP) makes SharedArrayBuffer and WASM threads available.
 * `server.headers` / `preview.headers` never reach SvelteKit's own responses, so the headers
 * are set by middleware registered before SvelteKit's. Static hosts get `static/_headers`.
 */
const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function crossOriginIsolation(): Plugin {
  const apply = (server: {
    middlewares: { use: (fn: (req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => void) => void };
  }) => {
    server.middlewares.use((_req, res, next) => {
      for (const [key, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(key, value);
      next();
    });
  };
  return {
    name: 'dam-cross-origin-isolation',
    configureServer: apply,
    configurePreviewServer: apply,
  };
}

export default defineConfig({
  plugins: [
    crossOriginIsolation(),
    // After crossOriginIsolation: the files it serves in dev need the same headers.
    bundledAssets(),
    worldTemplate(),
    sveltekit(),
    SvelteKitPWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      strategies: 'generateSW',
      manifest: {
        name: 'DAM — on-device asset manager',
        short_name: 'DAM',
        description: 'A digital asset library that runs entirely in your browser.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#101418',
        theme_color: '#101418',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // PGlite's wasm and data (~9 and ~6 MB) and ORT's wasm builds (up to ~28 MB) must be
        // precached to work offline.
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
        globPatterns: [
          'client/**/*.{js,css,html,ico,png,svg,webmanifest,wasm,data,gz}',
          // Bundled models (USE-lite's weight shards have no extension) and ORT's .mjs loaders.
          'client/models/**/*',
          'client/ort/*.mjs',
          'prerendered/**/*.html',
        ],
        navigateFallback: '/',
        cleanupOutdatedCaches: true,
      },
      kit: { spa: true },
    }),
  ],
  worker: { format: 'es' },
  resolve: { alias: { '@wasm-audio-decoders/opus-ml': fileURLToPath(new URL('./vite-plugins/opus-ml-unused.ts', import.meta.url)) } },
  optimizeDeps: { exclude: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector'] },
  build: { target: 'es2022' },
  server: { fs: { allow: ['workers'] } },
});
