import { runTagQueries, type TagQueryOptions } from '../lib/tag-library';

/**
 * Runs in a dedicated worker of the served app's origin: the same world, library and cases as
 * the Node run, on the same WebAssembly Postgres, in Chromium, in memory or on OPFS. Progress lines are
 * posted as they happen so a long load shows in the bench log.
 */
export interface TagQueryProbeRequest {
  readonly options: TagQueryOptions;
  readonly url: string;
}

self.onmessage = (event: MessageEvent<TagQueryProbeRequest>) => {
  runTagQueries(event.data.options, event.data.url, (line) => self.postMessage({ log: line })).then(
    (result) => self.postMessage({ result }),
    (error: unknown) => self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
};
