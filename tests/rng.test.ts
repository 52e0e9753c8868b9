import { beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readBuffer } from '../src/gpu/buffers.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { composeShader } from '../src/gpu/shaders.ts';
import { mulhi32, philox4x32 } from '../src/rng/philox.ts';
import { CounterRng, fixedGrid, Stream } from '../src/rng/source.ts';
import { testGpu } from './helpers/gpu.ts';

const hex = (words: Uint32Array) => [...words].map((w) => w.toString(16).padStart(8, '0'));

describe('Philox4x32-10 (TypeScript)', () => {
  it('matches the Random123 known-answer vectors', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    const ones = 0xffffffff;
    expect(hex(philox4x32([ones, ones, ones, ones], [ones, ones]))).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toEqual([
      'd16cfe09', '94fdcceb', '5001e420', '24126ea1',
    ]);
  });

  it('computes mulhi32 exactly', () => {
    const cases = [[0, 0], [1, 1], [0xffffffff, 0xffffffff], [0x12345678, 0x9abcdef0], [0xd2511f53, 0xdeadbeef]];
    for (const [a, b] of cases) expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
  });

  it('draws ints in [lo, hi) and uniforms in [0, 1) with the expected mean', () => {
    const rng = new CounterRng(7, Stream.env, 3, 1);
    let sum = 0;
    const counts = new Array(6).fill(0);
    for (let k = 0; k < 60000; k++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      counts[rng.int(-2, 4) + 2]++;
    }
    expect(Math.abs(sum / 60000 - 0.5)).toBeLessThan(0.01);
    for (const count of counts) expect(Math.abs(count - 10000)).toBeLessThan(500);
  });

  it('puts grid values exactly on float32 inside the interval', () => {
    for (const [lo, hi] of [[-0.05, 0.05], [-0.6, -0.4], [-Math.PI, Math.PI], [-2, 2], [-0.1, 0.1]]) {
      const grid = fixedGrid(lo, hi);
      for (const i of [grid.lo, grid.hi - 1, Math.floor((grid.lo + grid.hi) / 2)]) {
        const value = i * grid.scale;
        expect(Math.fround(value)).toBe(value);
        expect(value).toBeGreaterThanOrEqual(lo - grid.scale);
        expect(value).toBeLessThan(hi);
      }
      expect(grid.scale).toBeLessThanOrEqual(Math.max(-lo, hi) * 2 ** -22);
    }
  });
});

describe('Philox on the GPU', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('gives bit-identical draws to TypeScript for 4,096 envs × 16 draws of each kind', async () => {
    const envs = 4096;
    const draws = 16;
    const seed = 0x5eed1234;
    const grid = fixedGrid(-Math.PI, Math.PI);
    const { device } = gpu;
    const module = device.createShaderModule({ code: composeShader(gpu.shaders, ['shaders/rng.wgsl', 'tests/shaders/rng_probe.wgsl']) });
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants: { SEED: seed, GRID_LO: grid.lo, GRID_HI: grid.hi, GRID_SCALE: grid.scale } },
    });
    const outputs = [0, 1, 2, 3].map((k) => createStorageBuffer(device, `out${k}`, envs * draws * 4));
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: outputs.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(envs / 64);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const [raw, uniforms, ints, grids] = await Promise.all(outputs.map((buffer) => readBuffer(device, buffer)));
    const gpuRaw = new Uint32Array(raw);
    const gpuUniform = new Float32Array(uniforms);
    const gpuInt = new Int32Array(ints);
    const gpuGrid = new Float32Array(grids);

    let mismatches = 0;
    for (let env = 0; env < envs; env++) {
      const step = env % 7;
      const rawRng = new CounterRng(seed, Stream.env, env, step);
      const uniRng = new CounterRng(seed, Stream.action, env, step);
      const intRng = new CounterRng(seed, Stream.policy, env, step);
      const gridRng = new CounterRng((seed ^ 1) >>> 0, Stream.env, env, step);
      for (let k = 0; k < draws; k++) {
        const o = env * draws + k;
        if (gpuRaw[o] !== rawRng.nextU32()) mismatches++;
        if (gpuUniform[o] !== uniRng.uniform()) mismatches++;
        if (gpuInt[o] !== intRng.int(-k * 1000, 1 + k * k * k * 37)) mismatches++;
        if (gpuGrid[o] !== gridRng.int(grid.lo, grid.hi) * grid.scale) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    outputs.forEach((buffer) => buffer.destroy());
  });
});
