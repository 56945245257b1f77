/// <reference types="vite-plugin-pwa/client" />
import type { Remote } from 'comlink';
import type { DamApi } from '$lib/api/dam-api';

declare global {
  // The page's handle on the world worker, also reachable from the console and from tests.
  var damApi: Remote<DamApi> | undefined;
  namespace App {}
}

export {};
