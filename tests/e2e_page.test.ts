import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ENV_IDS, getEnv } from '../envs/index.ts';
import { agentLayout } from '../src/web/render/layout.ts';
import { sceneFor } from '../src/web/render/scenes.ts';
import { buildAndServe, countColour, decodePng, expectBreakoutTiles, launch, openPage, readStat, SCREENSHOTS, type Rgb, type Site } from './e2e/harness.ts';

// The browser demo end to end: the built site in headless Chromium with WebGPU (SwiftShader on a
// machine without a GPU). Each test opens its own page and fails on any console error.

let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await buildAndServe();
  browser = await launch();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

// A page left open by a failed test would keep the shared GPU process busy for the next ones.
afterEach(async () => {
  for (const context of browser?.contexts() ?? []) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function ready(page: Page, state = 'idle'): Promise<void> {
  await page.waitForFunction((expected) => document.body.dataset.state === expected, state, { timeout: 60_000 });
}

describe('the demo page', () => {
  test('loads with every env and algorithm, the live figures and the GPU named, and no console errors', async () => {
    const { page, errors } = await openPage(browser, site.url);
    await ready(page);
    expect(await page.locator('#env option').allTextContents()).toEqual(ENV_IDS);
    expect(await page.locator('#algo option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['ppo', 'a2c', 'reinforce']);
    for (const name of ['steps', 'steps-per-sec', 'episodes', 'mean-return']) await expect(page.locator(`[data-stat="${name}"]`).count()).resolves.toBe(1);
    expect(await page.locator('#status').textContent()).toMatch(/^GPU: .+\. Renderer: WebGPU/);
    expect(await page.locator('#no-webgpu').isHidden()).toBe(true);
    // A malformed Hyperparameters panel is refused on the page, without starting.
    await page.locator('#advanced summary').click();
    await page.locator('#hyperparameters').fill('{"learningRate": 0.001');
    await page.locator('#start').click();
    await expect.poll(() => page.locator('#notice').textContent()).toContain('Hyperparameters: not valid JSON');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle');
    await page.locator('#hyperparameters').fill('');
    // A checkpoint without its model file is refused with a message, and nothing starts.
    expect(await page.locator('#save').isDisabled()).toBe(true);
    await page.locator('#checkpoint').setInputFiles([{ name: 'config.json', mimeType: 'application/json', buffer: Buffer.from('{}') }]);
    await expect.poll(() => page.locator('#notice').textContent()).toContain('a checkpoint needs model.safetensors');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle');
    await page.waitForTimeout(500);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a PPO run of Breakout from URL parameters trains and draws the agent grid in the MinAtar palette', async () => {
    const agents = 16;
    // Short iterations (16 envs × 16 steps, 2 minibatches, 1 epoch), so that the GPU, which draws the
    // page too, answers screenshots between them.
    const hp = encodeURIComponent(JSON.stringify({ numSteps: 16, numMinibatches: 2, updateEpochs: 1 }));
    const { page, errors } = await openPage(browser, `${site.url}?env=minatar/breakout&algo=ppo&envs=16&seed=3&agents=${agents}&hp=${hp}&autostart=1`);
    await ready(page, 'running');
    expect(await page.locator('#env').inputValue()).toBe('minatar/breakout');
    // An untrained policy loses the ball within a few dozen steps, so episodes end early.
    await page.waitForFunction(() => Number(document.querySelector('[data-stat="episodes"]')?.textContent) > 0, null, { timeout: 300_000 });
    const steps = await readStat(page, 'steps');
    expect(steps).toBeGreaterThan(0);
    // Whole iterations of 16 envs × 16 steps.
    expect(steps % (16 * 16)).toBe(0);
    expect(await readStat(page, 'steps-per-sec')).toBeGreaterThan(0);
    expect(Number.isFinite(await readStat(page, 'mean-return'))).toBe(true);
    await page.waitForFunction((before) => Number(document.querySelector('[data-stat="steps"]')?.textContent) > before, steps, { timeout: 300_000 });

    // Enlarge agent 5 by clicking its tile.
    const layout = agentLayout(agents);
    const tile = layout.tiles[5];
    await page.locator('#agents-canvas').click({ position: { x: tile.x + tile.size / 2, y: tile.y + tile.size / 2 } });
    await expect.poll(() => page.locator('#focus-title').textContent()).toBe('Agent 5');

    await page.screenshot({ path: join(SCREENSHOTS, 'breakout-training.png') });
    const box = (await page.locator('#agents-canvas').boundingBox())!;
    const clip = { x: Math.round(box.x), y: Math.round(box.y), width: 980, height: 640 };
    const image = await decodePng(page, await page.screenshot({ clip }));
    expect([image.width, image.height]).toEqual([980, 640]);
    expectBreakoutTiles(image, layout);
    const [, , , brick] = getEnv('minatar/breakout').spec.palette! as readonly Rgb[];
    const focus = layout.focus!;
    expect(countColour(image, brick, focus.x, focus.y, focus.x + focus.size, focus.y + focus.size)).toBeGreaterThan(12 * 31 * 31);
    // The learning curve has this run's series.
    expect(await page.locator('#chart .u-legend').textContent()).toContain('ppo minatar/breakout #1');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('play mode: the arrow keys move the Breakout paddle to either wall', async () => {
    const { page, errors } = await openPage(browser, `${site.url}?env=minatar/breakout&seed=1&mode=play&autostart=1`);
    await ready(page, 'playing');
    const paddle = page.locator('#play-state [data-state="paddle_x"]');
    await expect.poll(() => paddle.textContent(), { timeout: 60_000 }).toBe('4');
    // Without keys the paddle stays (the no-op action); held keys move it one cell per step,
    // across episodes too (a new episode puts it back in the middle).
    await page.waitForTimeout(600);
    expect(await paddle.textContent()).toBe('4');
    const steps = await readStat(page, 'steps');
    expect(steps).toBeGreaterThan(0);
    await page.keyboard.down('ArrowLeft');
    await expect.poll(() => paddle.textContent(), { timeout: 30_000 }).toBe('0');
    await page.keyboard.up('ArrowLeft');
    await page.keyboard.down('ArrowRight');
    await expect.poll(() => paddle.textContent(), { timeout: 30_000 }).toBe('9');
    await page.keyboard.up('ArrowRight');
    expect(await readStat(page, 'steps')).toBeGreaterThan(steps);
    await page.screenshot({ path: join(SCREENSHOTS, 'breakout-play.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('every env runs from the Start button and draws its first agents in its own palette', async () => {
    // A2C with 4 envs × 5 steps per iteration: quick iterations for every env.
    const { page, errors } = await openPage(browser, `${site.url}?algo=a2c&envs=4&agents=4&seed=5`);
    await ready(page);
    const layout = agentLayout(4);
    for (const id of ENV_IDS) {
      await page.locator('#env').selectOption(id);
      await page.locator('#start').click();
      await ready(page, 'running');
      await page.waitForFunction(() => Number(document.querySelector('[data-stat="steps"]')?.textContent) > 0, null, { timeout: 120_000 });
      const box = (await page.locator('#agents-canvas').boundingBox())!;
      const image = await decodePng(page, await page.screenshot({ clip: { x: Math.round(box.x), y: Math.round(box.y), width: 980, height: 640 } }));
      const palette = sceneFor(getEnv(id)).palette;
      for (const [i, tile] of layout.tiles.entries()) {
        const seen = palette.filter((rgb) => countColour(image, rgb, tile.x, tile.y, tile.x + tile.size, tile.y + tile.size, 2) >= 4);
        // The background and at least two drawn things (cart and pole, grid and paddle, ...).
        expect(seen.length, `${id}: palette colours in tile ${i}`).toBeGreaterThanOrEqual(3);
      }
      await page.locator('#reset').click();
      await ready(page);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a lost device is reported with a Restart button that starts the run again', async () => {
    const { page, errors } = await openPage(browser, `${site.url}?env=classic/cartpole&autostart=1`);
    await ready(page, 'running');
    await page.waitForFunction(() => Number(document.querySelector('[data-stat="steps"]')?.textContent) > 0, null, { timeout: 60_000 });
    await page.evaluate(() => (window as unknown as { wgym: { simulateDeviceLoss(): Promise<void> } }).wgym.simulateDeviceLoss());
    await ready(page, 'device-lost');
    expect(await page.locator('#device-lost').isVisible()).toBe(true);
    expect(await page.locator('#device-lost-message').textContent()).toContain('GPU device was lost');
    await page.locator('#restart').click();
    await ready(page, 'running');
    expect(await page.locator('#device-lost').isHidden()).toBe(true);
    await page.waitForFunction(() => Number(document.querySelector('[data-stat="steps"]')?.textContent) > 0, null, { timeout: 60_000 });
    expect(await page.locator('#env').inputValue()).toBe('classic/cartpole');
    expect(errors).toEqual([]);
    await page.close();
  });
});
