import type { Transaction } from '../db/database';
import type { EntityId, MarkerType } from './component';
import type { ResourceClass } from './resource';
import type { WorldConfig } from './world-config';

/**
 * What a system asks the scheduler to inject, the TypeScript form of the seed's
 * `Annotated[...]` parameters. A system declares `params: { name: Token }` and receives
 * `{ name: value }`.
 */
export interface SessionParam {
  readonly param: 'session';
}
export interface ResourceParam<T> {
  readonly param: 'resource';
  readonly type: ResourceClass<T>;
}
export interface MarkedParam {
  readonly param: 'marked';
  readonly marker: MarkerType;
  /** Most entities handed over in one run; the processing loop runs again for the rest. */
  readonly limit?: number;
}
export interface ContextParam {
  readonly param: 'context';
}
export interface EventArgParam {
  readonly param: 'event';
}

export type SystemParam = SessionParam | ResourceParam<unknown> | MarkedParam | ContextParam | EventArgParam;

/** The transaction the stage or event runs in. */
export const WorldSession: SessionParam = Object.freeze({ param: 'session' });
/** The world's name and configuration, and its session. */
export const WorldContext: ContextParam = Object.freeze({ param: 'context' });
/** The event that triggered a listener. Only valid for event systems. */
export const TriggeringEvent: EventArgParam = Object.freeze({ param: 'event' });

/** A resource, found by class (a base class finds its registered subclass). */
export function Res<T>(type: ResourceClass<T>): ResourceParam<T> {
  return Object.freeze({ param: 'resource', type });
}

/** The entities carrying `marker`; the marker is removed from them once the system succeeds. */
export function Marked(marker: MarkerType, options: { limit?: number } = {}): MarkedParam {
  return Object.freeze({ param: 'marked', marker, limit: options.limit });
}

export interface WorldContextValue {
  readonly worldName: string;
  readonly config: WorldConfig;
  readonly session: Transaction;
}

export type Injected<P, E> = {
  [K in keyof P]: P[K] extends SessionParam
    ? Transaction
    : P[K] extends ResourceParam<infer T>
      ? T
      : P[K] extends MarkedParam
        ? EntityId[]
        : P[K] extends ContextParam
          ? WorldContextValue
          : P[K] extends EventArgParam
            ? E
            : never;
};

const KNOWN = new Set(['session', 'resource', 'marked', 'context', 'event']);

/** Why a declared parameter cannot be injected, or null when it can. */
export function paramProblem(value: unknown, isEventSystem: boolean): string | null {
  if (typeof value !== 'object' || value === null || !('param' in value)) return 'is not a system parameter token';
  const token = value as { param: unknown; type?: unknown; marker?: unknown };
  if (typeof token.param !== 'string' || !KNOWN.has(token.param)) return `has unknown kind ${String(token.param)}`;
  if (token.param === 'resource' && typeof token.type !== 'function') return 'is a Res() without a class';
  if (token.param === 'marked') {
    const marker = token.marker as { marker?: unknown } | undefined;
    if (!marker || marker.marker !== true) return 'is a Marked() without a marker component';
  }
  if (token.param === 'event' && !isEventSystem) return 'asks for the event, but the system runs in a stage';
  return null;
}
