import type { ModelFileInput } from './model-store';

export interface DownloadProgress {
  readonly doneBytes: number;
  /** Null until every file's size is known. */
  readonly totalBytes: number | null;
}

export class NetworkModelsOffError extends Error {
  override readonly name = 'NetworkModelsOffError';
}

/**
 * Downloads of models from the model hub, and the switch that allows them. Off by default:
 * nothing goes to the network until the user turns network models on in Settings. A class, so
 * it is a global resource; `fetcher` is injectable because tests cannot reach the hub.
 */
export class ModelDownloads {
  private enabled = false;
  private readonly inFlight = new Map<string, DownloadProgress>();

  constructor(private readonly fetcher: typeof fetch = (input, init) => fetch(input, init)) {}

  get networkEnabled(): boolean {
    return this.enabled;
  }

  setNetworkEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  progress(name: string): DownloadProgress | null {
    return this.inFlight.get(name) ?? null;
  }

  /** Fetches the files (`urlOf(path)` each), reporting bytes as they arrive. */
  async download(name: string, paths: readonly string[], urlOf: (path: string) => Promise<string>): Promise<ModelFileInput[]> {
    if (!this.enabled) throw new NetworkModelsOffError(`Network models are off: turn them on in Settings to download ${name}`);
    if (this.inFlight.has(name)) throw new Error(`${name} is already downloading`);
    const sizes = new Map<string, number | null>();
    const done = new Map<string, number>();
    const report = () => {
      const known = [...sizes.values()];
      const total = known.length === paths.length && known.every((n) => n !== null) ? known.reduce((a, b) => a! + b!, 0) : null;
      this.inFlight.set(name, { doneBytes: [...done.values()].reduce((a, b) => a + b, 0), totalBytes: total });
    };
    this.inFlight.set(name, { doneBytes: 0, totalBytes: null });
    try {
      return await Promise.all(
        paths.map(async (path) => {
          const url = await urlOf(path);
          const response = await this.fetcher(url);
          if (!response.ok || !response.body) throw new Error(`Downloading ${name}: ${path} answered HTTP ${response.status}`);
          const length = Number(response.headers.get('content-length'));
          sizes.set(path, Number.isFinite(length) && length > 0 ? length : null);
          const chunks: Uint8Array[] = [];
          const reader = response.body.getReader();
          for (;;) {
            const { done: finished, value } = await reader.read();
            if (finished) break;
            chunks.push(value);
            done.set(path, (done.get(path) ?? 0) + value.byteLength);
            report();
          }
          return { path, file: new Blob(chunks as BlobPart[]) };
        }),
      );
    } finally {
      this.inFlight.delete(name);
    }
  }
}
