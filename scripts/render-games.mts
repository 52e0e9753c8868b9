// Renders an animated GIF of each MinAtar game from wgym's own GPU observations (random play),
// for the README: `npx tsx scripts/render-games.mts [steps]` writes assets/minatar/<game>.gif.
import { writeFileSync } from 'node:fs';
import gifenc from 'gifenc';
import { ENVS } from '../envs/index.ts';
import { requestNodeGpu } from '../src/gpu/node.ts';
import { framePalette, renderGridFrame } from '../src/render/grid-frame.ts';
import { createVecEnv } from '../src/vecenv/index.ts';

const steps = Number(process.argv[2] ?? 150);
const CELL = 16;
const gpu = await requestNodeGpu();
for (const env of ENVS.filter((candidate) => candidate.spec.id.startsWith('minatar/'))) {
  const [rows, cols, channels] = env.spec.observationShape;
  const vec = createVecEnv(gpu, env.spec.id, { numEnvs: 1, seed: 7 });
  const gif = gifenc.GIFEncoder();
  const palette = framePalette(env.spec.palette ?? []);
  for (let k = 0; k < steps; k++) {
    const { obs } = await vec.read();
    gif.writeFrame(renderGridFrame(obs, 0, rows, cols, channels, CELL), cols * CELL, rows * CELL, { palette, delay: 80 });
    vec.stepRandom(1);
  }
  gif.finish();
  const file = `assets/${env.spec.id}.gif`;
  writeFileSync(new URL(`../${file}`, import.meta.url), gif.bytes());
  console.log(`wrote ${file} (${steps} frames)`);
  vec.destroy();
}
