import { DamError } from '../../lib/dam/errors';
import { entityId } from '../args';
import type { Command } from './command';

export const inspectEntity: Command = {
  name: 'inspect-entity',
  summary: 'show an entity with all its components',
  usage: 'dam inspect-entity ID',
  description: 'Every component the entity has, with its fields (dates in ISO 8601, hashes in hex, 64-bit numbers as strings).',
  arity: { min: 1, max: 1 },
  async run({ out, args, world, session }) {
    const id = entityId(args.positionals[0]!);
    const s = await session();
    await s.openWorld(world);
    const entity = await s.app.getEntity(id);
    if (!entity) throw new DamError('EntityNotFoundError', `There is no entity ${id}`);
    out.result(entity, () => [
      `Entity ${entity.id} (created ${entity.createdAt})`,
      ...entity.components.flatMap((c) => [
        `  ${c.name}`,
        ...Object.entries(c.fields).map(([key, value]) => `    ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`),
      ]),
    ]);
  },
};
