import type { Transaction } from '../db/database';
import type { EntityId, MarkerType } from './component';
import { removeComponentsFrom } from './ecs-service';
import { EventHandlingError, StageExecutionError } from './errors';
import type { ListenerResult, WorldEvent } from './events';
import { ident } from '../db/sql';
import type { Stage } from './stages';
import type { AnySystem, EventSystem, StageSystem } from './system';
import type { SystemParam } from './system-params';
import type { World } from './world';

interface Resolved {
  args: Record<string, unknown>;
  marked: { marker: MarkerType; entityIds: EntityId[] }[];
}

/**
 * The marked entities this stage takes. Locking the marker rows is the claim: a second session
 * on the same server skips what this one is working on instead of doing it twice (and
 * colliding on the result's unique keys). One PGlite connection never meets another session.
 */
async function markedEntities(tx: Transaction, marker: MarkerType, limit: number | undefined): Promise<EntityId[]> {
  const sql = `SELECT entity_id FROM ${ident(marker.table)} ORDER BY entity_id${limit ? ` LIMIT ${Math.floor(limit)}` : ''} FOR UPDATE SKIP LOCKED`;
  const { rows } = await tx.query<{ entity_id: number }>(sql);
  return rows.map((r) => Number(r.entity_id));
}

async function resolveParams(world: World, system: AnySystem, tx: Transaction, event?: WorldEvent): Promise<Resolved> {
  const args: Record<string, unknown> = {};
  const marked: Resolved['marked'] = [];
  for (const [key, param] of Object.entries(system.params) as [string, SystemParam][]) {
    switch (param.param) {
      case 'session':
        args[key] = tx;
        break;
      case 'resource':
        args[key] = world.resources.get(param.type);
        break;
      case 'context':
        args[key] = { worldName: world.name, config: world.config, session: tx };
        break;
      case 'event':
        args[key] = event;
        break;
      case 'marked': {
        const entityIds = await markedEntities(tx, param.marker, param.limit);
        marked.push({ marker: param.marker, entityIds });
        args[key] = entityIds;
        break;
      }
    }
  }
  return { args, marked };
}

/**
 * Runs a stage's systems in their declared order in one transaction. A system whose `Marked`
 * lists are all empty has nothing to do and is skipped. Markers handed to systems are removed
 * when the stage commits, so systems of one stage may share a marker. Any error rolls the whole
 * stage back, markers included. Returns the names of the systems that ran.
 */
export async function runStage(world: World, stage: Stage, systems: readonly StageSystem[]): Promise<string[]> {
  if (systems.length === 0) return [];
  const ran: string[] = [];
  await world.db.transaction(async (tx) => {
    const done = new Map<MarkerType, Set<EntityId>>();
    for (const system of systems) {
      let resolved: Resolved;
      try {
        resolved = await resolveParams(world, system, tx);
      } catch (error) {
        throw new StageExecutionError(stage, system.name, error);
      }
      if (resolved.marked.length > 0 && resolved.marked.every((m) => m.entityIds.length === 0)) continue;
      try {
        await system.run(resolved.args as never);
      } catch (error) {
        throw new StageExecutionError(stage, system.name, error);
      }
      if (system.autoRemoveMarkers) {
        for (const { marker, entityIds } of resolved.marked) {
          const set = done.get(marker) ?? new Set();
          for (const id of entityIds) set.add(id);
          done.set(marker, set);
        }
      }
      ran.push(system.name);
    }
    for (const [marker, ids] of done) await removeComponentsFrom(tx, marker, [...ids]);
  });
  return ran;
}

/** Runs an event's listeners in one transaction and returns their results in order. */
export async function runListeners<E extends WorldEvent>(
  world: World,
  event: E,
  listeners: readonly EventSystem[],
): Promise<ListenerResult<E>[]> {
  if (listeners.length === 0) return [];
  return world.db.transaction(async (tx) => {
    const results: ListenerResult<E>[] = [];
    for (const listener of listeners) {
      try {
        const { args } = await resolveParams(world, listener, tx, event);
        results.push((await listener.run(args as never)) as ListenerResult<E>);
      } catch (error) {
        throw new EventHandlingError(event.eventName, listener.name, error);
      }
    }
    return results;
  });
}
