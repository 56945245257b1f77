/**
 * Events are class instances; listeners are registered for a class. A `QueryEvent<R>` collects
 * a result of type R from each listener, returned by `dispatchEvent` in registration order.
 */
export abstract class WorldEvent {
  get eventName(): string {
    return this.constructor.name;
  }
}

export abstract class QueryEvent<R> extends WorldEvent {
  /** Phantom: the result type each listener returns. */
  declare readonly _result?: R;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventClass<E extends WorldEvent = WorldEvent> = abstract new (...args: any[]) => E;

export type ListenerResult<E> = E extends QueryEvent<infer R> ? R : void;
