import { createStorageBuffer, readBuffer } from './buffers.ts';
import { GpuUnavailableError, type GpuContext } from './context.ts';
import { computePipeline } from './pipelines.ts';

/** Past Mesa llvmpipe's 65,535; a limit above this would go unnoticed (none is known). */
export const PROBE_ITERATIONS = 1 << 17;

/**
 * The number of loop iterations after which the adapter ends a shader invocation, or undefined
 * when it ran the probe's PROBE_ITERATIONS in full (shaders/probe/loop_limit.wgsl).
 */
export async function loopIterationLimit(gpu: GpuContext): Promise<number | undefined> {
  const { device } = gpu;
  const probe = createStorageBuffer(device, 'loop limit probe', 8);
  device.queue.writeBuffer(probe, 0, new Uint32Array([0, 1]));
  const pipeline = computePipeline(device, {
    label: 'loop limit probe',
    code: gpu.shaders.read('shaders/probe/loop_limit.wgsl'),
    entryPoint: 'count_iterations',
    constants: { ITERATIONS: PROBE_ITERATIONS },
    layout: 'auto',
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: probe } }] }));
  pass.dispatchWorkgroups(1);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const [count] = new Uint32Array(await readBuffer(device, probe));
  probe.destroy();
  return count < PROBE_ITERATIONS ? count : undefined;
}

/**
 * Refuses an adapter that cuts long loops short: wgym's fused kernels (a rollout runs every env's
 * network and game for 128 steps in one invocation) would return wrong results without an error.
 * `remedy` ends the message: what the user of this host can do instead.
 */
export async function requireFullLoops(gpu: GpuContext, remedy: string): Promise<void> {
  const limit = await loopIterationLimit(gpu);
  if (limit === undefined) return;
  throw new GpuUnavailableError(
    `wgym: the adapter ${gpu.adapterName} ends every shader invocation after ${limit.toLocaleString('en-US')} loop iterations ` +
      `(Mesa llvmpipe's fixed limit), which would silently cut wgym's training and benchmark kernels short; ${remedy}`,
  );
}
