import type { CDPSession, Page } from '@playwright/test';

/**
 * The Chrome DevTools Protocol of a page's dedicated worker, from Node. Playwright's CDP sessions
 * cannot address a flattened child session, so this attaches the old way: `Target.setAutoAttach`
 * with `flatten: false` on the page's session, then `Target.sendMessageToTarget` and
 * `Target.receivedMessageFromTarget` carry the worker's messages.
 */
export interface WorkerTarget {
  readonly url: string;
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
}

export interface WorkerHeapUsage {
  /** V8 heap in use (JS objects). */
  readonly usedSize: number;
  readonly totalSize: number;
  /** Blink's own objects (cppgc) in use. */
  readonly embedderHeapUsedSize?: number;
  /** ArrayBuffer backing stores, WebAssembly memories included (PGlite's, hash-wasm's). */
  readonly backingStorageSize?: number;
}

interface AttachedEvent {
  sessionId: string;
  targetInfo: { type: string; url: string };
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class WorkerTargets {
  private readonly attached = new Map<string, AttachedEvent['targetInfo']>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(private readonly session: CDPSession) {
    session.on('Target.attachedToTarget' as never, (event: AttachedEvent) => this.attached.set(event.sessionId, event.targetInfo));
    session.on('Target.detachedFromTarget' as never, (event: { sessionId: string }) => this.attached.delete(event.sessionId));
    session.on('Target.receivedMessageFromTarget' as never, (event: { message: string }) => {
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const entry = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) entry?.reject(new Error(message.error.message));
      else entry?.resolve(message.result);
    });
  }

  /** Starts watching the page's workers; call before the page starts them. */
  static async attach(page: Page): Promise<WorkerTargets> {
    const session = await page.context().newCDPSession(page);
    const targets = new WorkerTargets(session);
    await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return targets;
  }

  /** The first attached dedicated worker whose URL contains `urlPart`, waiting up to `timeoutMs`. */
  async worker(urlPart: string, timeoutMs = 30_000): Promise<WorkerTarget> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      for (const [sessionId, info] of this.attached) {
        if (info.type === 'worker' && info.url.includes(urlPart)) return this.target(sessionId, info.url);
      }
      if (Date.now() > until) throw new Error(`No dedicated worker with "${urlPart}" in its URL attached`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private target(sessionId: string, url: string): WorkerTarget {
    return {
      url,
      send: <T>(method: string, params: Record<string, unknown> = {}) => {
        const id = this.nextId++;
        const reply = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
        this.session
          .send('Target.sendMessageToTarget' as never, { sessionId, message: JSON.stringify({ id, method, params }) } as never)
          .catch((error: unknown) => {
            const entry = this.pending.get(id);
            this.pending.delete(id);
            entry?.reject(error instanceof Error ? error : new Error(String(error)));
          });
        return reply;
      },
    };
  }

  async detach(): Promise<void> {
    for (const entry of this.pending.values()) entry.reject(new Error('detached'));
    this.pending.clear();
    await this.session.detach().catch(() => undefined);
  }
}

/** One heap sample: `Date.now()` and the worker's heap usage. */
export interface HeapSample {
  readonly epochMs: number;
  readonly usedSize: number;
  readonly backingStorageSize: number;
  readonly embedderHeapUsedSize: number;
}

/** Samples a worker's `Runtime.getHeapUsage` every `intervalMs` until stopped. */
export function sampleHeap(target: WorkerTarget, intervalMs = 250): { samples: HeapSample[]; errors: string[]; stop(): Promise<void> } {
  const samples: HeapSample[] = [];
  const errors: string[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const asked = Date.now();
      try {
        const usage = await target.send<WorkerHeapUsage>('Runtime.getHeapUsage');
        samples.push({
          epochMs: asked,
          usedSize: usage.usedSize,
          backingStorageSize: usage.backingStorageSize ?? 0,
          embedderHeapUsedSize: usage.embedderHeapUsedSize ?? 0,
        });
      } catch (error) {
        if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - asked))));
    }
  })();
  return {
    samples,
    errors,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
