import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { samplePss, type PssPeak } from '../lib/backends-memory';
import { cpuBetween, sampleCpuEvery, type CpuUse } from '../lib/process-cpu';
import { bundleForBrowser } from '../lib/bundle';
import type { BenchContext } from '../lib/types';
import { waitForAppReady } from './app-page';
import type { BackendsPageRequest, BackendsPageResult } from './backends-page';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface BackendsBrowserResult extends BackendsPageResult {
  readonly chromiumPss: PssPeak;
  /** CPU of Chromium's processes (by type) and of the whole machine during the timed ingest, from /proc. */
  readonly ingestCpu: CpuUse | null;
  /** Requests to the app's `/models/` the benchmark refused (model stages excluded). */
  readonly refusedModelRequests: number;
}

/**
 * The built app in headless Chromium, in a persistent profile (OPFS as users have it; AGENTS.md,
 * Benchmarks), with service workers blocked (no 80 MB precache beside the run) and every request
 * for the app's `/models/` refused, so the text-embedding stage fails when the runner reaches it,
 * as in the Node runs. The page script creates an `opfs-ahp` world (the app's default store) and
 * drives it through `globalThis.damApi`.
 */
export async function runBackendsInChromium(context: BenchContext, request: BackendsPageRequest): Promise<BackendsBrowserResult> {
  const script = await bundleForBrowser(join(HERE, 'backends-page.ts'));
  const profile = mkdtempSync(join(context.workDir, 'profile-backends-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: context.chromiumPath,
    args: CHROMIUM_ARGS,
    headless: true,
    serviceWorkers: 'block',
  });
  const pss = samplePss(2000);
  const cpu = sampleCpuEvery(500);
  let refusedModelRequests = 0;
  try {
    await browser.route(
      (url) => url.pathname.startsWith('/models/'),
      (route) => {
        refusedModelRequests++;
        return route.abort('blockedbyclient');
      },
    );
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(request.ingestDeadlineMs + 900_000);
    await page.exposeFunction('benchLog', (line: string) => context.log(`backends: chromium: ${line}`));
    await page.goto(`${context.baseUrl}/`);
    await waitForAppReady(page);
    await page.addScriptTag({ content: script });
    const result = await page.evaluate(
      (r) =>
        (globalThis as unknown as { __backendsBench: { run(r: BackendsPageRequest): Promise<BackendsPageResult> } }).__backendsBench.run(r),
      request,
    );
    const ingestEnd = result.ingest.startEpochMs + (result.ingest.timedOut ? result.ingest.deadlineMs : (result.ingest.searchableMs ?? 0));
    cpu.stop();
    return {
      ...result,
      chromiumPss: pss.stop(),
      ingestCpu: cpuBetween(cpu.samples, result.ingest.startEpochMs, ingestEnd),
      refusedModelRequests,
    };
  } finally {
    pss.stop();
    cpu.stop();
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
