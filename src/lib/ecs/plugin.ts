import type { World } from './world';

/** Registers components, systems, resources and migrations with a world. Runs once per world. */
export type Plugin = ((world: World) => void) | { readonly name: string; build(world: World): void };

export function pluginKey(plugin: Plugin): unknown {
  return typeof plugin === 'function' ? plugin : plugin.name;
}
