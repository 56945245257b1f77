import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventHandlingError,
  Marked,
  QueryEvent,
  Res,
  Stage,
  StageExecutionError,
  SystemRegistrationError,
  TriggeringEvent,
  WorldContext,
  WorldEvent,
  WorldSession,
  defineListener,
  defineSystem,
  ecs,
  type Plugin,
  type World,
} from '../../../src/lib/ecs';
import { NeedsWorkMarker, NoteComponent } from '../helpers/engine-fixtures';
import { startTestWorld } from './world-harness';

class Journal {
  readonly lines: string[] = [];
}

class Ping extends WorldEvent {
  constructor(readonly text: string) {
    super();
  }
}

class CountNotes extends QueryEvent<number> {
  constructor(readonly body: string) {
    super();
  }
}

/** Systems registered deliberately out of stage order, to prove the scheduler orders them. */
const orderingPlugin: Plugin = {
  name: 'ordering',
  build(world) {
    world.addResource(new Journal());
    const stagesReversed = [
      Stage.PostProcessing,
      Stage.ContentAnalysis,
      Stage.MetadataExtraction,
      Stage.AssetIngestion,
      Stage.PreProcessing,
    ];
    for (const stage of stagesReversed) {
      for (const n of [1, 2]) {
        world.addSystem(
          defineSystem({
            name: `${stage}-${n}`,
            stage,
            params: { journal: Res(Journal), ctx: WorldContext },
            run: async ({ journal, ctx }) => {
              journal.lines.push(`${ctx.worldName}:${stage}-${n}`);
            },
          }),
        );
      }
    }
  },
};

let world: World;
beforeAll(async () => {
  world = await startTestWorld('sched', orderingPlugin);
});
afterAll(() => world.close());

describe('stages', () => {
  it('runs stages in the seed order and systems in declared order', async () => {
    const journal = world.resources.get(Journal);
    journal.lines.length = 0;
    await world.executeStages();
    expect(journal.lines).toEqual([
      'sched:PreProcessing-1',
      'sched:PreProcessing-2',
      'sched:AssetIngestion-1',
      'sched:AssetIngestion-2',
      'sched:MetadataExtraction-1',
      'sched:MetadataExtraction-2',
      'sched:ContentAnalysis-1',
      'sched:ContentAnalysis-2',
      'sched:PostProcessing-1',
      'sched:PostProcessing-2',
    ]);
  });
});

describe('stage errors and markers', () => {
  let marked: number[];
  let failNext = true;

  beforeAll(async () => {
    marked = await world.transaction(async (tx) => {
      const ids = [await ecs.createEntity(tx), await ecs.createEntity(tx)];
      await ecs.addMarker(tx, NeedsWorkMarker, ids);
      return ids;
    });
    world.addSystem(
      defineSystem({
        name: 'write-note',
        stage: Stage.ContentAnalysis,
        params: { session: WorldSession, entities: Marked(NeedsWorkMarker) },
        run: async ({ session, entities }) => {
          for (const id of entities) await ecs.addComponent(session, id, NoteComponent.create({ body: 'worked', weight: null }));
        },
      }),
    );
    world.addSystem(
      defineSystem({
        name: 'flaky-after-write',
        stage: Stage.ContentAnalysis,
        params: { entities: Marked(NeedsWorkMarker) },
        run: async () => {
          if (failNext) throw new Error('boom');
        },
      }),
    );
  });

  it('rolls the whole stage back and names the failing system', async () => {
    const error = await world.executeStage(Stage.ContentAnalysis).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageExecutionError);
    expect((error as StageExecutionError).systemName).toBe('flaky-after-write');
    expect((error as StageExecutionError).stage).toBe('ContentAnalysis');
    // The earlier system's writes in the same stage were rolled back too.
    for (const id of marked) expect(await ecs.getComponents(world.db, id, NoteComponent)).toEqual([]);
  });

  it('keeps markers when a system fails and removes them once it succeeds', async () => {
    expect(await ecs.findEntitiesWith(world.db, [NeedsWorkMarker])).toEqual(marked);
    failNext = false;
    const ran = await world.executeStage(Stage.ContentAnalysis);
    expect(ran).toContain('write-note');
    expect(await ecs.findEntitiesWith(world.db, [NeedsWorkMarker])).toEqual([]);
    for (const id of marked) expect((await ecs.getComponents(world.db, id, NoteComponent)).map((n) => n.body)).toEqual(['worked']);
  });

  it('skips a marker system when no entity carries the marker', async () => {
    const ran = await world.executeStage(Stage.ContentAnalysis);
    expect(ran).not.toContain('write-note');
    expect(ran).toEqual(['ContentAnalysis-1', 'ContentAnalysis-2']);
  });

  it('runs the job loop until no marker is left, reporting progress', async () => {
    await world.transaction(async (tx) => {
      const ids = [await ecs.createEntity(tx), await ecs.createEntity(tx), await ecs.createEntity(tx)];
      await ecs.addMarker(tx, NeedsWorkMarker, ids);
    });
    const rounds: number[] = [];
    const left = await world.runPending({ onProgress: (p) => rounds.push(p.pending) });
    expect(left).toBe(0);
    expect(rounds).toEqual([0]);
    expect(await world.pendingWork()).toEqual([{ marker: 'NeedsWorkMarker', count: 0 }]);
  });
});

describe('system registration', () => {
  it('rejects a parameter the scheduler cannot inject', () => {
    const bogus = defineSystem({
      name: 'bogus',
      stage: Stage.PreProcessing,
      params: { mystery: { param: 'telepathy' } as never },
      run: async () => undefined,
    });
    expect(() => world.addSystem(bogus)).toThrow(SystemRegistrationError);
    expect(() => world.addSystem(bogus)).toThrow(/mystery/);
  });

  it('rejects the event parameter in a stage system and a Marked() of a non-marker', () => {
    expect(() =>
      world.addSystem(
        defineSystem({ name: 'ev-in-stage', stage: Stage.PreProcessing, params: { e: TriggeringEvent }, run: async () => undefined }),
      ),
    ).toThrow(/event/);
    expect(() =>
      world.addSystem(
        defineSystem({
          name: 'not-marker',
          stage: Stage.PreProcessing,
          params: { e: Marked(NoteComponent as never) },
          run: async () => undefined,
        }),
      ),
    ).toThrow(/marker/);
  });
});

describe('events', () => {
  beforeAll(() => {
    world.addSystem(
      defineListener({
        name: 'count-notes',
        on: CountNotes,
        params: { session: WorldSession, event: TriggeringEvent },
        run: async ({ session, event }) => {
          const { rows } = await session.query<{ n: number }>('SELECT count(*)::int AS n FROM component_note WHERE body = $1', [
            event.body,
          ]);
          return rows[0]!.n;
        },
      }),
    );
    world.addSystem(defineListener({ name: 'count-nothing', on: CountNotes, params: {}, run: async () => -1 }));
    world.addSystem(
      defineListener({
        name: 'ping-writes',
        on: Ping,
        params: { session: WorldSession, event: TriggeringEvent },
        run: async ({ session, event }) => {
          const id = await ecs.createEntity(session);
          await ecs.addComponent(session, id, NoteComponent.create({ body: event.text, weight: null }));
        },
      }),
    );
    world.addSystem(
      defineListener({
        name: 'ping-fails',
        on: Ping,
        params: { event: TriggeringEvent },
        run: async ({ event }) => {
          if (event.text === 'bad') throw new Error('refused');
        },
      }),
    );
  });

  it('returns each listener result of a query event in order', async () => {
    expect(await world.dispatchEvent(new CountNotes('worked'))).toEqual([5, -1]);
  });

  it('runs listeners in one transaction and raises EventHandlingError on failure', async () => {
    await world.dispatchEvent(new Ping('good'));
    const error = await world.dispatchEvent(new Ping('bad')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventHandlingError);
    expect((error as EventHandlingError).systemName).toBe('ping-fails');
    const { rows } = await world.db.query<{ body: string }>("SELECT body FROM component_note WHERE body IN ('good', 'bad')");
    expect(rows.map((r) => r.body)).toEqual(['good']);
  });
});
