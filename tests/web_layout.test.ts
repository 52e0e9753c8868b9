import { describe, expect, test } from 'vitest';
import { ENVS } from '../envs/index.ts';
import { actionFor, type PlayKey } from '../src/web/play-keys.ts';
import { agentLayout, CANVAS_HEIGHT, CANVAS_WIDTH, GRID_SIDE, MAX_AGENTS, playLayout, tileAt } from '../src/web/render/layout.ts';
import { pixelToWorld, sceneFor } from '../src/web/render/scenes.ts';

// The browser demo's pure parts (no GPU, no browser): where agent views go, how a view's pixels
// map to world coordinates, which palette each env is drawn with, and what the keys do.

describe('agent layout', () => {
  test.each([1, 2, 5, 16, 17, 36, 64])('%i agents: whole MinAtar cells, inside the grid, no overlaps, every tile found by tileAt', (agents) => {
    const layout = agentLayout(agents);
    expect(layout.tiles).toHaveLength(agents);
    for (const [i, tile] of layout.tiles.entries()) {
      expect(tile.size % 10).toBe(0);
      expect(tile.size).toBeGreaterThanOrEqual(60);
      expect(tile.x + tile.size).toBeLessThanOrEqual(GRID_SIDE);
      expect(tile.y + tile.size).toBeLessThanOrEqual(GRID_SIDE);
      expect(tileAt(layout, tile.x + tile.size / 2, tile.y + tile.size / 2)).toBe(i);
      expect(tileAt(layout, tile.x, tile.y)).toBe(i);
      expect(tileAt(layout, tile.x + tile.size - 1, tile.y + tile.size - 1)).toBe(i);
    }
    const focus = layout.focus!;
    expect(focus.x).toBeGreaterThanOrEqual(GRID_SIDE);
    expect(focus.x + focus.size).toBeLessThanOrEqual(CANVAS_WIDTH);
    expect(focus.size % 10).toBe(0);
    expect(tileAt(layout, focus.x + 5, focus.y + 5)).toBe(-1);
  });

  test('agent counts are clamped to 1..64', () => {
    expect(agentLayout(0).tiles).toHaveLength(1);
    expect(agentLayout(1000).tiles).toHaveLength(MAX_AGENTS);
  });

  test('play mode shows one env scaled up to the grid, inside the canvas', () => {
    const [tile] = playLayout().tiles;
    expect(tile.size * (tile.scale ?? 1)).toBe(GRID_SIDE);
    expect(GRID_SIDE).toBeLessThanOrEqual(CANVAS_HEIGHT);
    expect(tileAt(playLayout(), GRID_SIDE - 1, GRID_SIDE - 1)).toBe(0);
  });
});

describe('scenes', () => {
  test('every env has a drawing: MinAtar from the observations with the spec palette, classic control from the states', () => {
    for (const env of ENVS) {
      const scene = sceneFor(env);
      expect(scene.modules[0]).toBe('shaders/render/views.wgsl');
      if (env.spec.id.startsWith('minatar/')) {
        expect(scene.source).toBe('obs');
        // Background, grid lines, then one colour per channel.
        expect(scene.palette.slice(2)).toEqual(env.spec.palette);
        expect(scene.constants.CHANNELS).toBe(env.spec.observationShape[2]);
      } else {
        expect(scene.source).toBe('state');
        expect(scene.constants.STATE_WORDS).toBe(env.spec.stateNames.length);
        expect(scene.world).toBeDefined();
      }
    }
  });

  test('the pixel-to-world transform maps the corners of a view to the world rectangle, y up', () => {
    const world = { x0: -3, x1: 3, y0: -2, y1: 4 };
    const m = pixelToWorld(world);
    const apply = (u: number, v: number) => [m[0] * u + m[4] * v + m[8], m[1] * u + m[5] * v + m[9]];
    expect(apply(0, 0)).toEqual([-3, 4]);
    expect(apply(1, 1)).toEqual([3, -2]);
    expect(apply(0.5, 0.5)).toEqual([0, 1]);
    // WGSL's mat3x3f in a uniform: columns padded to four floats.
    expect([m[3], m[7], m[11]]).toEqual([0, 0, 0]);
  });
});

describe('play keys', () => {
  const keys = (...names: PlayKey[]) => new Set(names);
  const spec = (id: string) => ENVS.find((env) => env.spec.id === id)!.spec;

  test('MinAtar: arrows move, space fires, nothing is a no-op', () => {
    const breakout = spec('minatar/breakout');
    expect(actionFor(breakout, keys(), 0)).toBe(0);
    expect(actionFor(breakout, keys('left'), 0)).toBe(1);
    expect(actionFor(breakout, keys('up'), 0)).toBe(2);
    expect(actionFor(breakout, keys('right'), 0)).toBe(3);
    expect(actionFor(breakout, keys('down'), 0)).toBe(4);
    expect(actionFor(breakout, keys('fire', 'left'), 0)).toBe(5);
  });

  test('classic control: pushes and torques from the arrows', () => {
    expect(actionFor(spec('classic/cartpole'), keys('left'), 3)).toBe(0);
    expect(actionFor(spec('classic/cartpole'), keys('right'), 3)).toBe(1);
    expect([0, 1].map((step) => actionFor(spec('classic/cartpole'), keys(), step))).toEqual([0, 1]);
    expect(actionFor(spec('classic/mountain_car'), keys(), 0)).toBe(1);
    expect(actionFor(spec('classic/acrobot'), keys('right'), 0)).toBe(2);
    expect(actionFor(spec('classic/pendulum'), keys('left'), 0)).toBe(-2);
    expect(actionFor(spec('classic/pendulum'), keys(), 0)).toBe(0);
  });
});
