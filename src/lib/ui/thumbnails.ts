import { damClient } from './dam-client';
import { library } from './library-state.svelte';
import { ObjectUrlCache } from './object-urls';

/**
 * Thumbnails as object URLs, shared by every page. Requests wait in a stack and at most a few
 * run at once: while someone scrolls fast through the grid, the newest requests (the cells now
 * on screen) go first and cells scrolled past cancel theirs before costing a worker call.
 */
const CONCURRENCY = 4;
const cache = new ObjectUrlCache<string>(500);
const inflight = new Map<string, Promise<string | null>>();

interface Request {
  readonly key: string;
  readonly id: number;
  readonly deliver: (url: string | null) => void;
  cancelled: boolean;
}

const waiting: Request[] = [];
let running = 0;

/**
 * Entity ids are per world: the key says which world. `version` (the card's thumbnail key)
 * changes when a decoded thumbnail replaces the EXIF preview, so the better one is fetched.
 */
function keyOf(id: number, version: string | null = null): string {
  return `${library.current?.name ?? ''}\n${id}\n${version ?? ''}`;
}

/**
 * Asks for a thumbnail's URL (null when the asset has none); `deliver` runs once, unless the
 * returned function is called first. That function also says the URL is no longer shown.
 */
export function requestThumbnail(id: number, deliver: (url: string | null) => void, version: string | null = null): () => void {
  const key = keyOf(id, version);
  cache.retain(key);
  const request: Request = { key, id, deliver, cancelled: false };
  const cached = cache.get(key);
  if (cached !== undefined) deliver(cached);
  else {
    waiting.push(request);
    pump();
  }
  return () => {
    request.cancelled = true;
    cache.release(key);
  };
}

function pump(): void {
  while (running < CONCURRENCY && waiting.length > 0) {
    const request = waiting.pop()!;
    if (request.cancelled) continue;
    running++;
    void load(request).finally(() => {
      running--;
      pump();
    });
  }
}

async function load(request: Request): Promise<void> {
  let url = cache.get(request.key);
  if (url === undefined) {
    let pending = inflight.get(request.key);
    if (!pending) {
      pending = fetchUrl(request.key, request.id);
      inflight.set(request.key, pending);
    }
    url = await pending;
  }
  if (!request.cancelled) request.deliver(url);
}

async function fetchUrl(key: string, id: number): Promise<string | null> {
  try {
    return cache.set(key, await damClient().getThumbnail(id));
  } catch {
    // Not cached: a failed call (the world closing, say) is asked again next time.
    return null;
  } finally {
    inflight.delete(key);
  }
}

/** After a delete: the id's thumbnail is gone. */
export function forgetThumbnail(id: number): void {
  cache.delete(keyOf(id));
}

/** Background work made thumbnails: ask again for those that had none. */
export function forgetMissingThumbnails(): void {
  cache.forgetMissing();
}
