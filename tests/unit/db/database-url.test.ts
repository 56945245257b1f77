import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../src/lib/db/database-url';

describe('parseDatabaseUrl', () => {
  it('knows memory, directories, browser stores and PostgreSQL servers', () => {
    expect(parseDatabaseUrl('memory://')).toEqual({ kind: 'memory' });
    expect(parseDatabaseUrl('')).toEqual({ kind: 'memory' });
    expect(parseDatabaseUrl('/var/lib/dam/photos')).toEqual({ kind: 'directory', path: '/var/lib/dam/photos' });
    expect(parseDatabaseUrl('file:///tmp/x')).toEqual({ kind: 'directory', path: '/tmp/x' });
    expect(parseDatabaseUrl('idb://dam-photos')).toEqual({ kind: 'idb', name: 'dam-photos' });
    expect(parseDatabaseUrl('opfs-ahp://dam-photos')).toEqual({ kind: 'opfs-ahp', name: 'dam-photos' });
    expect(parseDatabaseUrl('postgres://u@localhost/dam')).toEqual({ kind: 'postgres', url: 'postgres://u@localhost/dam' });
  });

  it('refuses URLs that name nothing or use an unknown scheme', () => {
    expect(() => parseDatabaseUrl('idb://')).toThrow(/names no database/);
    expect(() => parseDatabaseUrl('file://')).toThrow(/names no directory/);
    expect(() => parseDatabaseUrl('mysql://x')).toThrow(/Unsupported database URL scheme/);
  });
});
