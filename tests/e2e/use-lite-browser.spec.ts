import { expect, test } from './fixtures';
import { bundleProbe } from './probes/bundle-probe';
import { runInWorker } from './probes/run-in-worker';
import type { UseLiteProbe, UseLiteProbeRequest } from './probes/use-lite-probe';

const probeWorkerScript = (): Promise<string> => bundleProbe('use-lite-probe.ts');

test('USE-lite loads from the served /models/use-lite/ and embeds in a worker on TF.js wasm', async ({ page, baseURL }) => {
  // Any page of the app's origin: it carries the isolation headers, and the files are same-origin.
  await page.goto('/manifest.webmanifest');
  const texts = ['A dog plays fetch in the park.', 'A puppy chases a ball on the grass.', 'The central bank raised interest rates.'];
  const request: UseLiteProbeRequest = { origin: new URL(baseURL!).origin, texts };
  const outcome = await runInWorker<UseLiteProbeRequest, UseLiteProbe>(page, await probeWorkerScript(), request);
  expect(outcome.error).toBeUndefined();
  const probe = outcome.result!;
  test.info().annotations.push({
    type: 'use-lite',
    description: `${probe.backend}, isolated ${probe.crossOriginIsolated}, load ${probe.loadMs.toFixed(0)} ms, ${probe.sentencesPerSecond.toFixed(0)} sentences/s`,
  });

  expect(probe.device).toBe('wasm');
  expect(probe.backend).toBe('wasm');
  expect(probe.dimensions).toEqual([512, 512, 512]);
  for (const norm of probe.norms) expect(norm).toBeCloseTo(1, 4);
  const [[, related, unrelated]] = probe.similarities as [[number, number, number]];
  expect(related).toBeGreaterThan(unrelated);
});
