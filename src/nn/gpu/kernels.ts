import type { GpuContext } from '../../gpu/context.ts';
import { computePipeline } from '../../gpu/pipelines.ts';
import { composeShader } from '../../gpu/shaders.ts';

/**
 * Plumbing shared by the training kernels' host code. Each kernel is one entry point in its own
 * WGSL file under shaders/nn/, composed after the modules it needs, with the automatic bind-group
 * layout: binding k of group 0 is the k-th buffer of the dispatch.
 */

/** A dispatch ready to record: pipeline, bind group and grid (workgroups along x, y, z). */
export interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  grid: [number, number, number];
}

/** WebGPU's default limit on workgroups along one grid dimension. */
const MAX_WORKGROUPS_PER_DIMENSION = 65535;

export interface KernelSpec {
  /** WGSL files under shaders/nn/, the one with the entry point last. */
  files: readonly string[];
  entryPoint: string;
  /** Values of the files' override constants. */
  constants?: Record<string, number>;
  /** Bound at bindings 0, 1, … of group 0. */
  buffers: readonly GPUBuffer[];
  grid: readonly number[];
}

export function makeDispatch(gpu: GpuContext, spec: KernelSpec): Dispatch {
  const grid: [number, number, number] = [spec.grid[0], spec.grid[1] ?? 1, spec.grid[2] ?? 1];
  if (grid.some((size) => size > MAX_WORKGROUPS_PER_DIMENSION)) {
    throw new RangeError(`${spec.entryPoint}: a grid of ${grid.join(' × ')} workgroups exceeds ${MAX_WORKGROUPS_PER_DIMENSION} along one dimension`);
  }
  const pipeline = computePipeline(gpu.device, {
    label: spec.entryPoint,
    code: composeShader(gpu.shaders, spec.files.map((file) => `shaders/nn/${file}`)),
    entryPoint: spec.entryPoint,
    constants: spec.constants,
    layout: 'auto',
  });
  const bindGroup = gpu.device.createBindGroup({
    label: spec.entryPoint,
    layout: pipeline.getBindGroupLayout(0),
    entries: spec.buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  return { pipeline, bindGroup, grid };
}

export function recordDispatches(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[]): void {
  for (const { pipeline, bindGroup, grid } of dispatches) {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...grid);
  }
}

/** A uniform buffer holding `contents`, a struct of 4-byte fields (sized up to WGSL's 16-byte multiple). */
export function uniformBuffer(device: GPUDevice, label: string, contents: ArrayBuffer): GPUBuffer {
  const buffer = device.createBuffer({
    label,
    size: Math.ceil(contents.byteLength / 16) * 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, contents);
  return buffer;
}
