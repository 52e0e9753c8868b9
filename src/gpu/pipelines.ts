/**
 * Compute pipelines by content, per device: compiling WGSL is the slow part of creating an env
 * (about a second per pipeline on SwiftShader), and many VecEnvs share the same kernels.
 */
const caches = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

export function computePipeline(
  device: GPUDevice,
  descriptor: { label: string; code: string; entryPoint: string; constants?: Record<string, number>; layout: GPUPipelineLayout | 'auto' },
  layoutKey = 'auto',
): GPUComputePipeline {
  let cache = caches.get(device);
  if (!cache) {
    cache = new Map();
    caches.set(device, cache);
  }
  const key = JSON.stringify([descriptor.code, descriptor.entryPoint, descriptor.constants ?? {}, layoutKey]);
  let pipeline = cache.get(key);
  if (!pipeline) {
    const module = device.createShaderModule({ label: descriptor.label, code: descriptor.code });
    pipeline = device.createComputePipeline({
      label: `${descriptor.label} ${descriptor.entryPoint}`,
      layout: descriptor.layout,
      compute: { module, entryPoint: descriptor.entryPoint, constants: descriptor.constants },
    });
    cache.set(key, pipeline);
  }
  return pipeline;
}
