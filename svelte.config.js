import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    adapter: adapter({ fallback: 'index.html', strict: true }),
    serviceWorker: { register: false },
    // Absolute asset paths: the SPA fallback page is served at any depth (/asset/12, /search?q=…).
    paths: { relative: false },
  },
};

export default config;
