/**
 * Object URLs keyed by what they show, least recently used first out. Every URL holds its blob
 * in memory until revoked, so the cache is bounded; entries someone still displays (`retain`)
 * are never revoked, since an `<img>` whose URL is revoked cannot be re-decoded.
 */
export class ObjectUrlCache<K> {
  /** Insertion order is use order: a `Map` re-inserted on use is an LRU. `null`: known to have none. */
  readonly #urls = new Map<K, string | null>();
  readonly #holders = new Map<K, number>();

  constructor(readonly capacity = 500) {}

  /** The URL (null: there is none), or undefined when not cached. Counts as a use. */
  get(key: K): string | null | undefined {
    const url = this.#urls.get(key);
    if (url === undefined) return undefined;
    this.#urls.delete(key);
    this.#urls.set(key, url);
    return url;
  }

  /** Caches a blob (or that there is none) and returns its URL. */
  set(key: K, blob: Blob | null): string | null {
    this.delete(key);
    const url = blob ? URL.createObjectURL(blob) : null;
    this.#urls.set(key, url);
    this.#evict();
    return url;
  }

  /** Marks the entry as on screen until `release`. */
  retain(key: K): void {
    this.#holders.set(key, (this.#holders.get(key) ?? 0) + 1);
  }

  release(key: K): void {
    const left = (this.#holders.get(key) ?? 1) - 1;
    if (left > 0) this.#holders.set(key, left);
    else this.#holders.delete(key);
    this.#evict();
  }

  delete(key: K): void {
    const url = this.#urls.get(key);
    if (url) URL.revokeObjectURL(url);
    this.#urls.delete(key);
  }

  /** Forgets the "has none" entries, so they are asked for again (thumbnails made since). */
  forgetMissing(): void {
    for (const [key, url] of this.#urls) if (url === null) this.#urls.delete(key);
  }

  clear(): void {
    for (const key of [...this.#urls.keys()]) if (!this.#holders.has(key)) this.delete(key);
  }

  get size(): number {
    return this.#urls.size;
  }

  #evict(): void {
    if (this.#urls.size <= this.capacity) return;
    for (const key of this.#urls.keys()) {
      if (this.#urls.size <= this.capacity) break;
      if (!this.#holders.has(key)) this.delete(key);
    }
  }
}
