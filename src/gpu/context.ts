import type { ShaderLibrary } from './shaders.ts';

/** Everything the core needs from a host: a device, its adapter's name, and the WGSL sources. */
export interface GpuContext {
  device: GPUDevice;
  adapterName: string;
  /** Whether the device was created with 'timestamp-query' (GPU-side timing in the bench). */
  hasTimestamps: boolean;
  shaders: ShaderLibrary;
}

/** A user-facing failure to get a usable GPU: the CLI prints its message alone, without a stack. */
export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

export function describeAdapter(info: GPUAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.description || info.device].filter((part) => part);
  return parts.length > 0 ? parts.join(' / ') : 'unknown adapter';
}

/**
 * Creates the device with only what wgym uses: the adapter's buffer-size limits (large
 * vectorized envs need them), its compute limits (a compatibility-mode device's defaults, such as
 * 128 invocations per workgroup, are below what the training kernels use) and timestamp queries
 * when offered. Device loss is reported once, loudly, through onLost; the default writes it to the
 * console.
 */
export async function openDevice(
  adapter: GPUAdapter,
  shaders: ShaderLibrary,
  onLost: (message: string) => void = (message) => console.error(message),
): Promise<GpuContext> {
  const hasTimestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    requiredFeatures: hasTimestamps ? ['timestamp-query'] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    },
  });
  device.lost.then((info) => {
    if (info.reason !== 'destroyed') onLost(`wgym: the GPU device was lost (${info.reason}): ${info.message}`);
  });
  return { device, adapterName: describeAdapter(adapter.info), hasTimestamps, shaders };
}
