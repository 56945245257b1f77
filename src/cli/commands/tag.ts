import { DamError } from '../../lib/dam/errors';
import { entityId, integerOption, stringOption, type ParsedArgs } from '../args';
import { table } from '../output';
import type { Session } from '../session';
import type { Command, CommandContext } from './command';

const VALUE_OPTION = {
  value: { type: 'string', value: 'V', description: 'the value (for a tag that takes values, e.g. rating=5)' },
} as const;

/** `TAG ID...` of apply and remove. */
function tagAndIds(args: ParsedArgs): { tag: string; ids: number[] } {
  const [tag, ...ids] = args.positionals;
  return { tag: tag!, ids: ids.map(entityId) };
}

/**
 * Tag changes mark the entities for new text embeddings (their text includes tag names): the
 * command waits for them, so a search right after sees the change.
 */
async function settle(session: Session): Promise<void> {
  await session.app.ingestIdle();
}

export const tagApply: Command = {
  name: 'tag apply',
  summary: 'put a tag on entities (made if new)',
  usage: 'dam tag apply TAG ID... [--value V]',
  description: 'TAG is a name such as sunset or character:alice. Entities that have it already are left as they are.',
  options: VALUE_OPTION,
  arity: { min: 2, max: Infinity },
  async run({ out, args, world, session }: CommandContext) {
    const { tag, ids } = tagAndIds(args);
    const value = stringOption(args, 'value') ?? null;
    const s = await session();
    const name = await s.openWorld(world);
    // A new tag given a value is made to take values (`rating --value 5`), as the person meant.
    if (value !== null && !(await s.app.getTag(tag))) await s.app.createTag(tag, { allowValues: true });
    const { applied } = await s.app.applyTag(ids, tag, value);
    await settle(s);
    out.result(
      { world: name, tag, value, entityIds: ids, applied },
      () => `Tagged ${applied} of ${ids.length} with ${tag}${value === null ? '' : `=${value}`}.`,
    );
  },
};

export const tagRemove: Command = {
  name: 'tag remove',
  summary: 'take a tag off entities',
  usage: 'dam tag remove TAG ID... [--value V]',
  description: 'Without --value every value of the tag is removed.',
  options: VALUE_OPTION,
  arity: { min: 2, max: Infinity },
  async run({ out, args, world, session }: CommandContext) {
    const { tag, ids } = tagAndIds(args);
    const value = stringOption(args, 'value');
    const s = await session();
    const name = await s.openWorld(world);
    const { removed } = await s.app.removeTag(ids, tag, value);
    await settle(s);
    out.result({ world: name, tag, value: value ?? null, entityIds: ids, removed }, () => `Removed ${removed} ${tag} tag(s).`);
  },
};

export const tagList: Command = {
  name: 'tag list',
  summary: "list an entity's tags, or every tag with how often it is used",
  usage: 'dam tag list [ID] [--prefix P] [-n N]',
  options: {
    prefix: { type: 'string', value: 'P', description: 'only tags whose name or namespace starts with P' },
    limit: { type: 'string', short: 'n', value: 'N', description: 'at most N tags (default 100)' },
  },
  arity: { min: 0, max: 1 },
  async run({ out, args, world, session }: CommandContext) {
    const id = args.positionals[0] === undefined ? null : entityId(args.positionals[0]);
    const limit = integerOption(args, 'limit', 1, 10000) ?? 100;
    const prefix = stringOption(args, 'prefix');
    const s = await session();
    const name = await s.openWorld(world);
    if (id === null) {
      const tags = await s.app.listTags({ limit, ...(prefix !== undefined && { prefix }) });
      out.result({ world: name, tags }, () =>
        tags.length === 0 ? `No tags in "${name}".` : table([['USES', 'TAG'], ...tags.map((t) => [String(t.uses), t.displayName])]),
      );
      return;
    }
    if (!(await s.app.getEntity(id))) throw new DamError('EntityNotFoundError', `There is no entity ${id}`);
    const tags = await s.app.entityTags(id);
    out.result({ world: name, entityId: id, ...tags }, () => {
      const lines = [
        ...tags.manual.map((t) => `${t.displayName}${t.value === null ? '' : `=${t.value}`}`),
        ...tags.model.map((t) => `${t.displayName}  (${t.sourceModelName}, ${t.confidence.toFixed(2)})`),
        ...tags.implied.map((t) => `${t} (implied)`),
      ];
      return lines.length === 0 ? `Entity ${id} has no tags.` : lines;
    });
  },
};
