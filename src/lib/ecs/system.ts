import type { EventClass, ListenerResult, WorldEvent } from './events';
import type { Stage } from './stages';
import type { Injected, SystemParam } from './system-params';

type Params = Record<string, SystemParam>;

export interface StageSystem<P extends Params = Params> {
  readonly kind: 'stage';
  readonly name: string;
  readonly stage: Stage;
  readonly params: P;
  /** Remove the markers of `Marked` params once the system succeeds (the seed's default). */
  readonly autoRemoveMarkers: boolean;
  run(args: Injected<P, never>): Promise<void>;
}

export interface EventSystem<E extends WorldEvent = WorldEvent, P extends Params = Params> {
  readonly kind: 'event';
  readonly name: string;
  readonly on: EventClass<E>;
  readonly params: P;
  run(args: Injected<P, E>): Promise<ListenerResult<E>>;
}

export type AnySystem = StageSystem<Params> | EventSystem<WorldEvent, Params>;

export function defineSystem<P extends Params>(spec: {
  name: string;
  stage: Stage;
  params: P;
  autoRemoveMarkers?: boolean;
  run(args: Injected<P, never>): Promise<void>;
}): StageSystem<P> {
  return Object.freeze({ kind: 'stage', autoRemoveMarkers: true, ...spec });
}

export function defineListener<E extends WorldEvent, P extends Params>(spec: {
  name: string;
  on: EventClass<E>;
  params: P;
  run(args: Injected<P, E>): Promise<ListenerResult<E>>;
}): EventSystem<E, P> {
  return Object.freeze({ kind: 'event', ...spec });
}
