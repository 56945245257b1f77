/**
 * Content-addressed bytes, keyed by the lowercase hex SHA-256 of their content. A blob is
 * written once and never overwritten: putting a key that exists is a no-op. An abstract class
 * (not an interface) so systems can ask for `Res(BlobStore)` and get the world's store.
 */
export abstract class BlobStore {
  abstract has(sha256Hex: string): Promise<boolean>;
  /** Stores the bytes unless the key exists. Returns whether it wrote anything. */
  abstract put(sha256Hex: string, bytes: Uint8Array): Promise<boolean>;
  abstract get(sha256Hex: string): Promise<Uint8Array | null>;
  abstract delete(sha256Hex: string): Promise<boolean>;
  /** Lets go of any connection; the world calls it when it closes. */
  close(): void {}
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function assertSha256Hex(key: string): void {
  if (!SHA256_HEX.test(key)) throw new Error(`Not a SHA-256 key: ${key}`);
}
