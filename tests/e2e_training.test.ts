import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildAndServe, launch, openPage, readStat, type Site } from './e2e/harness.ts';
import { wgym } from './helpers/cli.ts';

// Training in the page: the same GPU trainer as `wgym train`, driven by the page's worker, and
// checkpoints that travel both ways between the CLI and the page.

let site: Site;
let browser: Browser;
let dir: string;
let cliRun: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wgym-e2e-train-'));
  cliRun = join(dir, 'cli-run');
  // A policy trained by the CLI for 20k steps: well above random play (about 22) on CartPole.
  const trained = wgym('train', '--env', 'classic/cartpole', '--total-steps', '20480', '--out', cliRun);
  expect(trained.code, trained.stderr).toBe(0);
  site = await buildAndServe();
  browser = await launch();
}, 600_000);

// A page left open by a failed test would keep the shared GPU process busy for the next ones.
afterEach(async () => {
  for (const context of browser?.contexts() ?? []) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ready(page: Page, state: string): Promise<void> {
  await page.waitForFunction((expected) => document.body.dataset.state === expected, state, { timeout: 60_000 });
}

/** Waits until the page's mean return (of the episodes in its latest stats window) reaches `target`. */
async function meanReturnReaches(page: Page, target: number, timeout: number): Promise<number> {
  await page.waitForFunction((goal) => Number(document.querySelector('[data-stat="mean-return"]')?.textContent) >= goal, target, { timeout, polling: 250 });
  return readStat(page, 'mean-return');
}

describe('training in the page', () => {
  test('PPO learns CartPole in the browser: the mean return reaches 150', async () => {
    const { page, errors } = await openPage(browser, `${site.url}?env=classic/cartpole&algo=ppo&seed=1&autostart=1`);
    await ready(page, 'running');
    const reached = await meanReturnReaches(page, 150, 900_000);
    const steps = await readStat(page, 'steps');
    console.log(`PPO CartPole in Chromium: mean return ${reached} after ${steps} steps, ${await readStat(page, 'steps-per-sec')} steps/s`);
    expect(steps).toBeGreaterThan(0);
    // The enlarged agent shows its policy's action probabilities and value estimate.
    await expect.poll(() => page.locator('#focus-probs li').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.locator('#focus-value').textContent()).toMatch(/^value estimate -?\d/);
    expect(await page.locator('#chart .u-legend').textContent()).toContain('ppo classic/cartpole #1');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a checkpoint from wgym train plays in the page, and a policy saved in the page evaluates in the CLI', async () => {
    // The picker starts on another env: the model file's own env id selects CartPole.
    const { page, errors } = await openPage(browser, `${site.url}?env=minatar/breakout&seed=2`);
    await ready(page, 'idle');
    await page.locator('#checkpoint').setInputFiles(join(cliRun, 'model.safetensors'));
    await ready(page, 'running');
    expect(await page.locator('#env').inputValue()).toBe('classic/cartpole');
    expect(await page.locator('#chart .u-legend').textContent()).toContain('(checkpoint)');
    const reached = await meanReturnReaches(page, 40, 300_000);
    expect(reached).toBeGreaterThanOrEqual(40);

    const download = page.waitForEvent('download');
    await page.locator('#save').click();
    const saved = join(dir, 'from-page.safetensors');
    await (await download).saveAs(saved);
    const evaluation = wgym('eval', '--checkpoint', saved, '--episodes', '8', '--envs', '8', '--json');
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(JSON.parse(evaluation.stdout).mean_return).toBeGreaterThanOrEqual(40);
    expect(errors).toEqual([]);
    await page.close();
  });
});
