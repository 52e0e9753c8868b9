import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { getEnv } from '../../envs/index.ts';
import { BACKGROUND, GRID_LINE } from '../../src/render/grid-frame.ts';
import type { AgentLayout } from '../../src/web/render/layout.ts';

/**
 * End-to-end tests of the browser demo: the real build, served by a tiny static server (as any
 * static host would), driven in Debian's Chromium through playwright-core.
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.WGYM_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Where the tests save their screenshots: the README's assets/screenshots/ when
 * WGYM_UPDATE_SCREENSHOTS=1, else a temporary folder (so a test run leaves the tree clean).
 */
export const SCREENSHOTS = process.env.WGYM_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'assets/screenshots') : join(tmpdir(), 'wgym-screenshots');

/**
 * Chromium with WebGPU on. On a machine without a GPU it finds SwiftShader's Vulkan for WebGPU by
 * itself, but a WebGPU canvas also needs the compositor to take its frames: headless Chromium
 * 156 on SwiftShader destroys the device at the first present ("Could not find
 * SharedImageBackingFactory … WebgpuSwapChainTexture") unless GL runs on ANGLE over SwiftShader
 * and Vulkan is on for the compositor too (the last four flags).
 */
export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-webgpu-developer-features',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  ...(process.env.WGYM_CHROMIUM_LOG ? ['--enable-logging=stderr', '--v=0'] : []),
];
/**
 * WebGPU on, but without the compositor flags: WebGPU computes, yet a WebGPU canvas cannot be
 * presented (the device is destroyed at the first present). What the WebGL fallback is for.
 */
export const WEBGPU_WITHOUT_CANVAS_FLAGS = WEBGPU_FLAGS.filter((flag) => !/^--use-(gl|angle|vulkan)=|^--enable-features=Vulkan$/.test(flag));
/** Without the WebGPU switch: what a browser without WebGPU looks like (navigator.gpu, no adapter). */
export const NO_WEBGPU_FLAGS = WEBGPU_FLAGS.filter((flag) => !flag.includes('webgpu'));

export interface Site {
  url: string;
  close(): Promise<void>;
}

/** Builds the app into a fresh folder and serves it on a free port of localhost (a secure context). */
export async function buildAndServe(): Promise<Site> {
  const outDir = mkdtempSync(join(tmpdir(), 'wgym-site-'));
  await build({ root: ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = serveStatic(outDir);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function serveStatic(folder: string): Server {
  const base = resolve(folder);
  return createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(response);
  });
}

export async function launch(flags = WEBGPU_FLAGS): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set WGYM_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: flags });
}

/** A page whose console errors and uncaught exceptions (page and worker) are collected. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
  const errors: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(message.text());
  };
  page.on('console', onConsole);
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('worker', (worker) => worker.on('console', onConsole));
  await page.goto(url);
  return { page, errors };
}

/** The live figure `name` (data-stat) as a number; NaN when empty. */
export async function readStat(page: Page, name: string): Promise<number> {
  const text = await page.locator(`[data-stat="${name}"]`).textContent();
  return text === null || text.trim() === '' ? Number.NaN : Number(text);
}

export type Rgb = readonly [number, number, number];

/** A PNG's pixels, decoded by the page itself (no image library in Node), back as base64 RGBA. */
export async function decodePng(page: Page, png: Buffer): Promise<{ width: number; height: number; data: Uint8Array }> {
  const decoded = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const rgba = context.getImageData(0, 0, image.width, image.height).data;
    let binary = '';
    for (let i = 0; i < rgba.length; i += 0x8000) binary += String.fromCharCode(...rgba.subarray(i, i + 0x8000));
    return { width: image.width, height: image.height, rgba: btoa(binary) };
  }, png.toString('base64'));
  return { width: decoded.width, height: decoded.height, data: new Uint8Array(Buffer.from(decoded.rgba, 'base64')) };
}

/** Pixels of `rgb` (within `tolerance` per channel) in the rectangle [x0, x1) × [y0, y1). */
export function countColour(image: { width: number; data: Uint8Array }, rgb: Rgb, x0: number, y0: number, x1: number, y1: number, tolerance = 6): number {
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * image.width + x) * 4;
      if (Math.abs(image.data[i] - rgb[0]) <= tolerance && Math.abs(image.data[i + 1] - rgb[1]) <= tolerance && Math.abs(image.data[i + 2] - rgb[2]) <= tolerance) count++;
    }
  }
  return count;
}

/**
 * Every Breakout tile of a canvas screenshot in the MinAtar palette: bricks in rows 1–3 only, the
 * paddle in the bottom row only, background and grid lines.
 */
export function expectBreakoutTiles(image: { width: number; data: Uint8Array }, layout: AgentLayout): void {
  const [paddle, , , brick] = getEnv('minatar/breakout').spec.palette! as readonly Rgb[];
  for (const [i, { x, y, size }] of layout.tiles.entries()) {
    const cell = size / 10;
    const count = (rgb: Rgb, row0: number, row1: number) => countColour(image, rgb, x, y + row0 * cell, x + size, y + row1 * cell);
    // Bricks fill rows 1–3 at the start of every episode; random play clears only a few.
    expect(count(brick, 1, 4), `bricks in tile ${i}`).toBeGreaterThan(12 * (cell - 1) ** 2);
    expect(count(brick, 4, 10), `no bricks below row 3 in tile ${i}`).toBe(0);
    // The paddle is one cell of the bottom row.
    expect(count(paddle, 9, 10), `paddle in tile ${i}`).toBeGreaterThanOrEqual((cell - 4) ** 2); // the selection outline may cover an edge
    expect(count(paddle, 0, 9), `no paddle above the bottom row in tile ${i}`).toBe(0);
    expect(count(BACKGROUND, 0, 10), `background in tile ${i}`).toBeGreaterThan(40 * (cell - 1) ** 2);
    expect(count(GRID_LINE, 0, 10), `grid lines in tile ${i}`).toBeGreaterThan(0);
  }
}
