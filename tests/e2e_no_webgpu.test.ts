import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildAndServe, launch, NO_WEBGPU_FLAGS, openPage, SCREENSHOTS, type Site } from './e2e/harness.ts';

// Chromium on Linux without --enable-unsafe-webgpu: navigator.gpu exists but offers no adapter.
// The page must say what is missing and how to get it, not stay blank.

let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await buildAndServe();
  browser = await launch(NO_WEBGPU_FLAGS);
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

test('without WebGPU the page explains what is missing and how to enable it', async () => {
  const { page, errors } = await openPage(browser, `${site.url}?env=minatar/breakout&autostart=1`);
  await page.waitForFunction(() => document.body.dataset.state === 'no-webgpu', null, { timeout: 60_000 });
  const message = page.locator('#no-webgpu');
  expect(await message.isVisible()).toBe(true);
  expect(await page.locator('#app').isHidden()).toBe(true);
  const text = (await message.textContent()) ?? '';
  expect(text).toContain('no GPU adapter');
  expect(text).toContain('Chrome or Edge 113');
  expect(text).toContain('--enable-unsafe-webgpu');
  expect(text).toContain('chrome://flags/#enable-unsafe-webgpu');
  await page.screenshot({ path: join(SCREENSHOTS, 'no-webgpu.png') });
  expect(errors).toEqual([]);
  await page.close();
});
