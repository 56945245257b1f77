import { EXIT_FAILURE } from '../errors';
import { formatBytes } from '../output';
import type { Command } from './command';

export const verify: Command = {
  name: 'verify',
  summary: 're-hash every stored file and report the missing or damaged ones',
  usage: 'dam verify',
  description:
    'Exits with 1 when any stored file is missing or no longer matches its SHA-256 (for a --no-copy file: the original\n' +
    'was moved, changed or deleted).',
  arity: { min: 0, max: 0 },
  async run({ out, world, session }) {
    const s = await session();
    const name = await s.openWorld(world);
    const report = await s.app.verifyBlobs();
    out.result({ world: name, ok: report.problems.length === 0, ...report }, () => [
      ...report.problems.map((p) => `${p.problem}: entity ${p.entityId} ${p.name ?? ''} (sha256 ${p.sha256})`),
      `${report.checked} files checked (${formatBytes(report.bytesChecked)}), ${report.problems.length} problem(s) in "${name}"`,
    ]);
    return report.problems.length > 0 ? EXIT_FAILURE : 0;
  },
};
