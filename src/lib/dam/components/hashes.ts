import { bytea, defineComponent } from '../../ecs';

/** Content hashes, one component per algorithm (the seed's layout). Values are raw digest bytes. */
const hashComponent = (name: string, table: string) =>
  defineComponent({ name, table, unique: true, columns: { hashValue: bytea('hash_value') } });

/** SHA-256 identifies content: no two entities share one (deduplication relies on it). */
export const ContentHashSHA256Component = hashComponent('ContentHashSHA256Component', 'component_content_hash_sha256');
export const ContentHashMD5Component = hashComponent('ContentHashMD5Component', 'component_content_hash_md5');
export const ContentHashSHA1Component = hashComponent('ContentHashSHA1Component', 'component_content_hash_sha1');
/** CRC32 as 4 bytes, big-endian. */
export const ContentHashCRC32Component = hashComponent('ContentHashCRC32Component', 'component_content_hash_crc32');
export const ContentHashBLAKE3Component = hashComponent('ContentHashBLAKE3Component', 'component_content_hash_blake3');

export const CONTENT_HASH_COMPONENTS = [
  ContentHashSHA256Component,
  ContentHashMD5Component,
  ContentHashSHA1Component,
  ContentHashCRC32Component,
  ContentHashBLAKE3Component,
] as const;
