import { afterAll, beforeAll, expect, it } from 'vitest';
import { FilePropertiesComponent } from '../../../src/lib/dam/components/files';
import { AudioPropertiesComponent, ExifMetadataComponent } from '../../../src/lib/dam/components/media';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import { collectTextFields, MAX_FIELD_CHARS } from '../../../src/lib/dam/services/text-fields';
import { ecs, type World } from '../../../src/lib/ecs';
import { openTestDatabase } from '../helpers/test-database';

let world: World;
beforeAll(async () => {
  world = await createDamWorld({ name: 'fields', databaseUrl: 'memory://' }, await openTestDatabase());
});
afterAll(() => world.close());

it('collects the file name stem, EXIF/XMP/IPTC titles and descriptions, and audio tags', async () => {
  const fields = await world.transaction(async (tx) => {
    const [id] = await ecs.createEntities(tx, 1);
    await ecs.addComponent(
      tx,
      id!,
      FilePropertiesComponent.create({
        originalFilename: 'IMG_2041-beach.sunset.jpg',
        fileSizeBytes: 1,
        mimeType: null,
        firstSeenAt: null,
      }),
    );
    await ecs.addComponent(
      tx,
      id!,
      ExifMetadataComponent.create({
        takenAt: null,
        cameraMake: null,
        cameraModel: null,
        gpsLatitude: null,
        gpsLongitude: null,
        metadata: {
          ifd0: { ImageDescription: 'Evening at the  beach', Make: 'Canon' },
          dc: { title: { lang: 'x-default', value: 'Sunset' }, description: ['Evening at the beach'] },
          iptc: { Headline: 'Red sky' },
        },
      }),
    );
    await ecs.addComponent(
      tx,
      id!,
      AudioPropertiesComponent.create({
        durationSeconds: 1,
        codec: null,
        sampleRate: null,
        channels: null,
        bitRateKbps: null,
        tags: { title: 'Waves', artist: ['The Sea'], year: 2020, comment: 'x'.repeat(MAX_FIELD_CHARS + 10) },
      }),
    );
    return collectTextFields(tx, id!);
  });
  expect(fields.map((f) => [f.componentName, f.fieldName, f.text.slice(0, 40)])).toEqual([
    ['FilePropertiesComponent', 'original_filename', 'IMG 2041 beach sunset'],
    ['ExifMetadataComponent', 'metadata', 'Evening at the beach Sunset Red sky'],
    ['AudioPropertiesComponent', 'tags', `Waves The Sea ${'x'.repeat(26)}`],
  ]);
  expect(fields[2]!.text.length).toBe(MAX_FIELD_CHARS);
});

it('gives nothing for an entity without text', async () => {
  const fields = await world.transaction(async (tx) => collectTextFields(tx, (await ecs.createEntities(tx, 1))[0]!));
  expect(fields).toEqual([]);
});
