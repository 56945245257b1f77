import { addAsset } from './add-asset';
import type { Command } from './command';
import { findFileByHash, findSimilarImages } from './find';
import { inspectEntity } from './inspect-entity';
import { reportDuplicates } from './report';
import { searchQuery, searchSemantic } from './search';
import { tagApply, tagList, tagRemove } from './tag';
import { verify } from './verify';
import { exportWorld, importWorld, mergeWorlds, splitWorld } from './world-archive';
import { createWorld, deleteWorld, listWorlds } from './worlds';

/** Every command, in the order `dam --help` lists them. */
export const COMMANDS: readonly Command[] = [
  listWorlds,
  createWorld,
  deleteWorld,
  addAsset,
  findFileByHash,
  findSimilarImages,
  inspectEntity,
  searchSemantic,
  searchQuery,
  tagApply,
  tagRemove,
  tagList,
  exportWorld,
  importWorld,
  mergeWorlds,
  splitWorld,
  verify,
  reportDuplicates,
];

/** Words that start a two-word command (`tag apply`). */
export const GROUPS: ReadonlySet<string> = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!));

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function commandsOfGroup(group: string): Command[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${group} `));
}
