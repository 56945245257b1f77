import type { World } from './world';

/** Open worlds by name. Each world owns its database; the registry closes them. */
export class WorldRegistry {
  private readonly worlds = new Map<string, World>();

  add(world: World): void {
    if (this.worlds.has(world.name)) throw new Error(`A world named ${world.name} is already open`);
    this.worlds.set(world.name, world);
  }

  get(name: string): World | undefined {
    return this.worlds.get(name);
  }

  require(name: string): World {
    const world = this.worlds.get(name);
    if (!world) throw new Error(`No world named ${name} is open`);
    return world;
  }

  names(): string[] {
    return [...this.worlds.keys()].sort();
  }

  async close(name: string): Promise<boolean> {
    const world = this.worlds.get(name);
    if (!world) return false;
    this.worlds.delete(name);
    await world.close();
    return true;
  }

  async closeAll(): Promise<void> {
    for (const name of this.names()) await this.close(name);
  }
}
