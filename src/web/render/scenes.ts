import { mat3 } from 'gl-matrix';
import type { EnvDefinition } from '../../env.ts';
import { framePalette } from '../../render/grid-frame.ts';

type Rgb = readonly [number, number, number];

/**
 * How one env is drawn by the agent-frame compute pass: which WGSL modules, which GPU buffer of
 * the VecEnv they read, the palette (RGB 0–255, by index), and for classic control the world
 * rectangle a view shows (y up), from which the pixel-to-world transform is made.
 */
export interface Scene {
  modules: readonly string[];
  source: 'obs' | 'state';
  palette: readonly Rgb[];
  /** Override constants of the render modules besides the env's own params. */
  constants: Record<string, number>;
  world?: { x0: number; x1: number; y0: number; y1: number };
}

const CLASSIC: Record<string, { palette: Rgb[]; world: (params: any) => NonNullable<Scene['world']> }> = {
  'classic/cartpole': {
    palette: [[16, 20, 32], [90, 96, 120], [70, 150, 255], [230, 140, 60], [240, 240, 240]],
    world: (p) => centred(0, 0.6, 1.25 * p.xThreshold),
  },
  'classic/acrobot': {
    palette: [[16, 20, 32], [90, 200, 120], [70, 150, 255], [230, 140, 60], [240, 240, 240]],
    world: (p) => centred(0, 0, 2.2 * p.linkLength1),
  },
  'classic/mountain_car': {
    palette: [[16, 20, 32], [70, 90, 70], [230, 110, 40], [255, 220, 0], [30, 30, 30]],
    world: (p) => {
      const half = (p.maxPosition - p.minPosition) / 2;
      return centred((p.maxPosition + p.minPosition) / 2, 0.6, half);
    },
  },
  'classic/pendulum': {
    palette: [[16, 20, 32], [60, 64, 80], [230, 110, 40], [240, 240, 240]],
    world: (p) => centred(0, 0, 1.3 * p.length),
  },
};

function centred(cx: number, cy: number, half: number) {
  return { x0: cx - half, x1: cx + half, y0: cy - half, y1: cy + half };
}

export function sceneFor(env: EnvDefinition<any, any>): Scene {
  const { spec } = env;
  if (env.wgsl.observation === 'bits') {
    if (!spec.palette) throw new Error(`${spec.id}: no palette to draw it with`);
    return {
      modules: ['shaders/render/views.wgsl', 'shaders/render/minatar.wgsl'],
      source: 'obs',
      palette: framePalette(spec.palette) as unknown as Rgb[],
      constants: { CHANNELS: spec.observationShape[2] },
    };
  }
  const classic = CLASSIC[spec.id];
  if (!classic) throw new Error(`${spec.id}: the browser renderer has no drawing for it`);
  const name = spec.id.split('/')[1];
  return {
    modules: ['shaders/render/views.wgsl', 'shaders/render/classic.wgsl', `shaders/render/${name}.wgsl`],
    source: 'state',
    palette: classic.palette,
    constants: { STATE_WORDS: spec.stateNames.length },
    world: classic.world(env.params),
  };
}

/**
 * The transform from a view's unit square (u right, v down, as pixels run) to world coordinates
 * (y up), as a WGSL uniform mat3x3f: three columns padded to four floats each.
 */
export function pixelToWorld(world: NonNullable<Scene['world']> | undefined): Float32Array<ArrayBuffer> {
  const m = mat3.create();
  if (world) {
    mat3.translate(m, m, [world.x0, world.y1]);
    mat3.scale(m, m, [world.x1 - world.x0, world.y0 - world.y1]);
  }
  const padded = new Float32Array(12);
  for (let i = 0; i < 9; i++) padded[Math.floor(i / 3) * 4 + (i % 3)] = m[i];
  return padded;
}
