/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { DamApi } from '../src/lib/api/dam-api';
import { DamApp } from '../src/lib/dam/dam-app';
import { createBrowserPlatform } from '../src/lib/platform/browser-platform';

// Thin entry: build the app on the browser platform and expose it to the page.
const api: DamApi = new DamApp(createBrowserPlatform());
Comlink.expose(api);
