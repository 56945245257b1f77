import { ResourceNotFoundError } from './errors';

// Resources are class instances looked up by class; constructor arguments vary, hence `never[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResourceClass<T = unknown> = abstract new (...args: any[]) => T;

/**
 * Holds resources keyed by class. Asking for a base class finds the one registered subclass
 * instance; a world's manager falls back to the global one (shared by every world).
 */
export class ResourceManager {
  private readonly byClass = new Map<ResourceClass, unknown>();

  constructor(private readonly parent?: ResourceManager) {}

  add<T extends object>(instance: T, as?: ResourceClass<T>): void {
    const key = as ?? (instance.constructor as ResourceClass<T>);
    this.byClass.set(key, instance);
  }

  remove(type: ResourceClass): boolean {
    return this.byClass.delete(type);
  }

  has(type: ResourceClass): boolean {
    return this.find(type) !== undefined;
  }

  get<T>(type: ResourceClass<T>): T {
    const found = this.find(type);
    if (found === undefined) throw new ResourceNotFoundError(type.name);
    return found;
  }

  private find<T>(type: ResourceClass<T>): T | undefined {
    if (this.byClass.has(type)) return this.byClass.get(type) as T;
    const matches = [...this.byClass.values()].filter((r) => r instanceof type);
    if (matches.length > 1) throw new Error(`Several resources are instances of ${type.name}; ask for a concrete class`);
    if (matches.length === 1) return matches[0] as T;
    return this.parent?.find(type);
  }
}
