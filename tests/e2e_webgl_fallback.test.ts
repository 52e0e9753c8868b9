import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { agentLayout } from '../src/web/render/layout.ts';
import { buildAndServe, decodePng, expectBreakoutTiles, launch, openPage, readStat, SCREENSHOTS, WEBGPU_WITHOUT_CANVAS_FLAGS, type Site } from './e2e/harness.ts';

// The explicit WebGL fallback: Chromium whose WebGPU computes but cannot present to a canvas
// (headless on SwiftShader without the compositor flags). With ?renderer=webgl the envs still run
// on WebGPU and PixiJS draws the frames with WebGL; the page says which renderer it uses.

let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await buildAndServe();
  browser = await launch(WEBGPU_WITHOUT_CANVAS_FLAGS);
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

test('the WebGL renderer, chosen in the URL, draws the Breakout grid in the MinAtar palette and says it is the fallback', async () => {
  const agents = 9;
  const { page, errors } = await openPage(browser, `${site.url}?renderer=webgl&env=minatar/breakout&envs=64&seed=4&agents=${agents}&autostart=1`);
  await page.waitForFunction(() => document.body.dataset.state === 'running', null, { timeout: 60_000 });
  expect(await page.locator('#renderer').inputValue()).toBe('webgl');
  expect(await page.locator('#status').textContent()).toContain('Renderer: WebGL fallback');
  await page.waitForFunction(() => Number(document.querySelector('[data-stat="episodes"]')?.textContent) > 0, null, { timeout: 120_000 });
  expect(await readStat(page, 'steps')).toBeGreaterThan(0);
  const box = (await page.locator('#agents-canvas').boundingBox())!;
  const image = await decodePng(page, await page.screenshot({ clip: { x: Math.round(box.x), y: Math.round(box.y), width: 980, height: 640 } }));
  expectBreakoutTiles(image, agentLayout(agents));
  await page.screenshot({ path: join(SCREENSHOTS, 'breakout-webgl-fallback.png') });
  expect(errors).toEqual([]);
  await page.close();
});
