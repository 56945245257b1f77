import type { Database, Transaction } from '../db/database';
import { applyMigrations, type Migration } from '../db/migrations';
import type { ComponentType, MarkerType } from './component';
import { ENGINE_MIGRATIONS } from './engine-migrations';
import { SystemRegistrationError } from './errors';
import type { EventClass, ListenerResult, WorldEvent } from './events';
import { pluginKey, type Plugin } from './plugin';
import { ResourceManager, type ResourceClass } from './resource';
import { runListeners, runStage } from './scheduler';
import { schemaProblems } from './schema-check';
import { ident } from '../db/sql';
import { STAGES, type Stage } from './stages';
import type { AnySystem, EventSystem, StageSystem } from './system';
import { paramProblem } from './system-params';
import { assertValidWorldName, type WorldConfig } from './world-config';

export interface PendingWork {
  readonly marker: string;
  readonly count: number;
}

export interface ProcessingProgress {
  readonly round: number;
  readonly pending: number;
  readonly systemsRun: readonly string[];
}

/**
 * A world: one library's database, resources, components, systems and migrations. Plugins
 * fill it; `start()` applies migrations and checks the schema; then stages run and events
 * dispatch through the scheduler.
 */
export class World {
  readonly resources: ResourceManager;
  private readonly components = new Map<string, ComponentType<object>>();
  private readonly stageSystems = new Map<Stage, StageSystem[]>(STAGES.map((s) => [s, []]));
  private readonly listeners = new Map<EventClass, EventSystem[]>();
  private readonly systemNames = new Set<string>();
  private readonly plugins = new Set<unknown>();
  private readonly migrations: Migration[] = [...ENGINE_MIGRATIONS];
  private started = false;

  constructor(
    readonly config: WorldConfig,
    readonly db: Database,
    options: { globalResources?: ResourceManager } = {},
  ) {
    assertValidWorldName(config.name);
    this.resources = new ResourceManager(options.globalResources);
  }

  get name(): string {
    return this.config.name;
  }

  addPlugin(plugin: Plugin): this {
    const key = pluginKey(plugin);
    if (this.plugins.has(key)) return this;
    this.plugins.add(key);
    if (typeof plugin === 'function') plugin(this);
    else plugin.build(this);
    return this;
  }

  hasPlugin(plugin: Plugin): boolean {
    return this.plugins.has(pluginKey(plugin));
  }

  registerComponent(...types: ComponentType<object>[]): this {
    for (const type of types) {
      const existing = this.components.get(type.name);
      if (existing && existing !== type) throw new Error(`Another component is already registered as ${type.name}`);
      this.components.set(type.name, type);
    }
    return this;
  }

  componentTypes(): ComponentType<object>[] {
    return [...this.components.values()];
  }

  componentType(name: string): ComponentType<object> | undefined {
    return this.components.get(name);
  }

  markerTypes(): MarkerType[] {
    return this.componentTypes().filter((t): t is MarkerType => t.marker);
  }

  addMigration(...migrations: Migration[]): this {
    if (this.started) throw new Error('Migrations must be added before the world starts');
    this.migrations.push(...migrations);
    return this;
  }

  addResource<T extends object>(instance: T, as?: ResourceClass<T>): this {
    this.resources.add(instance, as);
    return this;
  }

  /** Registers a stage system or an event listener; a parameter it cannot be given fails here. */
  addSystem(system: AnySystem): this {
    if (this.systemNames.has(system.name)) throw new SystemRegistrationError(system.name, 'a system with this name is registered');
    for (const [key, value] of Object.entries(system.params)) {
      const problem = paramProblem(value, system.kind === 'event');
      if (problem) throw new SystemRegistrationError(system.name, `parameter "${key}" ${problem}`);
    }
    if (system.kind === 'stage') {
      const list = this.stageSystems.get(system.stage);
      if (!list) throw new SystemRegistrationError(system.name, `unknown stage ${String(system.stage)}`);
      list.push(system);
    } else {
      const list = this.listeners.get(system.on) ?? [];
      list.push(system);
      this.listeners.set(system.on, list);
    }
    this.systemNames.add(system.name);
    return this;
  }

  /** Applies pending migrations and checks that every registered component has its table. */
  async start(): Promise<string[]> {
    const applied = await applyMigrations(this.db, this.migrations);
    const problems = await schemaProblems(this.db, this.componentTypes());
    if (problems.length) throw new Error(`World ${this.name} schema does not match its components:\n${problems.join('\n')}`);
    this.started = true;
    return applied;
  }

  get isStarted(): boolean {
    return this.started;
  }

  async executeStage(stage: Stage): Promise<string[]> {
    this.assertStarted();
    return runStage(this, stage, this.stageSystems.get(stage) ?? []);
  }

  /** Runs every stage once, in order. Returns the systems that ran. */
  async executeStages(): Promise<string[]> {
    const ran: string[] = [];
    for (const stage of STAGES) ran.push(...(await this.executeStage(stage)));
    return ran;
  }

  async dispatchEvent<E extends WorldEvent>(event: E): Promise<ListenerResult<E>[]> {
    this.assertStarted();
    const listeners = [...this.listeners.entries()].filter(([type]) => event instanceof type).flatMap(([, list]) => list);
    return runListeners(this, event, listeners);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.assertStarted();
    return this.db.transaction(fn);
  }

  async pendingWork(): Promise<PendingWork[]> {
    const markers = this.markerTypes();
    if (markers.length === 0) return [];
    const union = markers.map((m, i) => `SELECT ${i} AS i, count(*)::int AS n FROM ${ident(m.table)}`).join(' UNION ALL ');
    const { rows } = await this.db.query<{ i: number; n: number }>(union);
    return rows.map((r) => ({ marker: markers[r.i]!.name, count: r.n }));
  }

  /**
   * The job loop: runs the stages while markers remain. A round in which no system runs ends
   * the loop (markers nobody handles are reported back, not retried forever).
   */
  async runPending(options: { maxRounds?: number; onProgress?: (p: ProcessingProgress) => void } = {}): Promise<number> {
    const maxRounds = options.maxRounds ?? 1000;
    let pending = total(await this.pendingWork());
    for (let round = 1; round <= maxRounds && pending > 0; round++) {
      const systemsRun = await this.executeStages();
      const after = total(await this.pendingWork());
      options.onProgress?.({ round, pending: after, systemsRun });
      if (systemsRun.length === 0) return after;
      pending = after;
    }
    return pending;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private assertStarted(): void {
    if (!this.started) throw new Error(`World ${this.name} has not been started`);
  }
}

function total(work: readonly PendingWork[]): number {
  return work.reduce((sum, w) => sum + w.count, 0);
}
