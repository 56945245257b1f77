import { bigint, componentTableDdl, defineComponent, defineMarker, text, type Plugin } from '../../../src/lib/ecs';

/** Small components for engine tests; they know nothing of assets. */
export const NoteComponent = defineComponent({
  name: 'NoteComponent',
  table: 'component_note',
  columns: { body: text('body'), weight: bigint('weight').nullable() },
});

export const TitleComponent = defineComponent({
  name: 'TitleComponent',
  table: 'component_title',
  unique: true,
  columns: { title: text('title') },
});

export const NeedsWorkMarker = defineMarker({ name: 'NeedsWorkMarker', table: 'component_marker_needs_work' });

export const testComponentsPlugin: Plugin = {
  name: 'test-components',
  build(world) {
    world.registerComponent(NoteComponent, TitleComponent, NeedsWorkMarker);
    world.addMigration({
      id: '1000_test_components',
      sql: [
        componentTableDdl('component_note', ['body text NOT NULL', 'weight bigint'], { unique: false }),
        componentTableDdl('component_title', ['title text NOT NULL'], { unique: true }),
        componentTableDdl('component_marker_needs_work', [], { unique: true }),
      ].join('\n'),
    });
  },
};
