export class EntityNotFoundError extends Error {
  constructor(readonly entityId: number) {
    super(`Entity ${entityId} does not exist`);
    this.name = 'EntityNotFoundError';
  }
}

export class ComponentAlreadyPresentError extends Error {
  constructor(
    readonly entityId: number,
    readonly componentName: string,
  ) {
    super(`Entity ${entityId} already has a ${componentName}, which is unique per entity`);
    this.name = 'ComponentAlreadyPresentError';
  }
}

/** A stage failed: the stage's transaction was rolled back. Names the system that threw. */
export class StageExecutionError extends Error {
  constructor(
    readonly stage: string,
    readonly systemName: string,
    override readonly cause: unknown,
  ) {
    super(`Stage ${stage} failed in system ${systemName}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StageExecutionError';
  }
}

/** An event's listeners failed: their shared transaction was rolled back. */
export class EventHandlingError extends Error {
  constructor(
    readonly eventName: string,
    readonly systemName: string,
    override readonly cause: unknown,
  ) {
    super(`Handling ${eventName} failed in system ${systemName}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'EventHandlingError';
  }
}

export class SystemRegistrationError extends Error {
  constructor(
    readonly systemName: string,
    message: string,
  ) {
    super(`Cannot register system ${systemName}: ${message}`);
    this.name = 'SystemRegistrationError';
  }
}

export class ResourceNotFoundError extends Error {
  constructor(readonly resourceName: string) {
    super(`No resource of type ${resourceName} is registered`);
    this.name = 'ResourceNotFoundError';
  }
}
