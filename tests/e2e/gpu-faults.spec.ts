import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs';
import { bundleProbe } from './probes/bundle-probe';
import { runInWorker } from './probes/run-in-worker';
import { inputRow } from './probes/gpu-retry-inputs';
import type { GpuRetryProbe, GpuRetryRequest } from './probes/gpu-retry-probe';

// WebGPU on SwiftShader (a CPU implementation of the GPU), so the faults below are real ones.
test.use({ launchOptions: { executablePath: findChromium() ?? undefined, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } });

const model = readFileSync(new URL('../fixtures/models/raw-onnx-fixture/model.onnx', import.meta.url));

/** The fixture's weights, as make-fixture-models.py writes them: W[i][j] = (i - 2j) / 4, b[j] = j / 2. */
function expectedEmbedding(input: readonly number[]): number[] {
  return [0, 1, 2, 3].map((j) => input.reduce((sum, x, i) => sum + x * ((i - 2 * j) / 4), j / 2));
}

async function runProbe(page: Page, request: Omit<GpuRetryRequest, 'origin' | 'model'>, origin: string): Promise<GpuRetryProbe> {
  const script = await bundleProbe('gpu-retry-probe.ts');
  const full: GpuRetryRequest = { ...request, origin, model: new Uint8Array(model) };
  const outcome = await runInWorker<GpuRetryRequest, GpuRetryProbe>(page, script, full);
  expect(outcome.error).toBeUndefined();
  return outcome.result!;
}

function expectEveryItemOnceAndRight(probe: GpuRetryProbe, items: number): void {
  expect(probe.keptPerItem).toEqual(new Array(items).fill(1));
  expect(probe.outputs).toHaveLength(items);
  probe.outputs.forEach((row, i) => expectedEmbedding(inputRow(i)).forEach((value, j) => expect(row[j]).toBeCloseTo(value, 4)));
}

test('a real GPUOutOfMemoryError shrinks the batch and the job finishes on WebGPU', async ({ page, baseURL }) => {
  await page.goto('/manifest.webmanifest');
  const probe = await runProbe(page, { scenario: 'oom', items: 10, batchSize: 8 }, new URL(baseURL!).origin);
  test.info().annotations.push({ type: 'attempts', description: JSON.stringify(probe.attempts) });
  expect(probe.adapter).not.toBeNull();
  const failed = probe.attempts.filter((a) => a.outcome !== 'ok');
  expect(failed.length).toBeGreaterThan(0);
  for (const attempt of failed) expect(attempt.outcome).toMatch(/^GPUOutOfMemoryError/);
  // 8 → 4 fail, then batches of 2 go through, all on WebGPU.
  expect(probe.attempts.map((a) => a.size)).toEqual([8, 4, 2, 2, 2, 2, 2]);
  expect(new Set(probe.attempts.map((a) => a.device))).toEqual(new Set(['webgpu']));
  expectEveryItemOnceAndRight(probe, 10);
});

test('device.destroy() in the middle of a job: it finishes on a new device or on WASM, every item once', async ({ page, baseURL }) => {
  await page.goto('/manifest.webmanifest');
  const probe = await runProbe(page, { scenario: 'lost', items: 12, batchSize: 4 }, new URL(baseURL!).origin);
  test.info().annotations.push({ type: 'attempts', description: JSON.stringify(probe.attempts) });
  expect(probe.attempts[0]).toEqual({ size: 4, device: 'webgpu', outcome: 'ok' });
  expect(probe.attempts[1]!.outcome).not.toBe('ok');
  // After the loss the rest runs somewhere that works: a new GPU device or WASM.
  expect(probe.attempts.slice(2).every((a) => a.outcome === 'ok')).toBe(true);
  expect(['webgpu', 'wasm']).toContain(probe.finalDevice);
  expectEveryItemOnceAndRight(probe, 12);
});
