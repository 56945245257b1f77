import * as Comlink from 'comlink';
import type { MediaWorkerApi } from './media-worker-api';

interface PoolMember {
  readonly worker: Worker;
  readonly remote: Comlink.Remote<MediaWorkerApi>;
  inFlight: number;
}

/**
 * A few media workers, started on first use and shared by the digester and the image codec:
 * hashing runs while adding, thumbnails after, so one pool serves both. Each call goes to the
 * worker with the fewest calls in flight.
 */
export class MediaWorkerPool {
  private members: PoolMember[] | null = null;

  constructor(readonly size: number) {}

  /**
   * One media worker per core on two cores (the world worker mostly waits on them), one core
   * left for the world worker and the page from three cores up; at most 4.
   */
  static sizeFor(cores: number | undefined): number {
    return Math.max(1, Math.min(4, (cores ?? 2) - (cores !== undefined && cores > 2 ? 1 : 0)));
  }

  /** Whether this context can start nested workers at all. */
  static available(): boolean {
    return typeof Worker === 'function';
  }

  /** Starts the workers now (they load their code while the caller does other work). */
  warm(): void {
    this.members ??= this.start();
  }

  async run<T>(call: (remote: Comlink.Remote<MediaWorkerApi>) => Promise<T>): Promise<T> {
    const members = (this.members ??= this.start());
    const member = members.reduce((best, m) => (m.inFlight < best.inFlight ? m : best));
    member.inFlight++;
    try {
      return await call(member.remote);
    } finally {
      member.inFlight--;
    }
  }

  private start(): PoolMember[] {
    return Array.from({ length: this.size }, (_, i) => {
      const worker = new Worker(new URL('../../../workers/media.worker.ts', import.meta.url), {
        type: 'module',
        name: `dam-media-${i + 1}`,
      });
      return { worker, remote: Comlink.wrap<MediaWorkerApi>(worker), inFlight: 0 };
    });
  }
}
