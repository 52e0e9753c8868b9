/** Small helpers over GPUBuffer creation and asynchronous readback. */

export function createStorageBuffer(device: GPUDevice, label: string, size: number, extraUsage = 0): GPUBuffer {
  return device.createBuffer({
    label,
    // WebGPU buffers must be at least 4 bytes and a multiple of 4.
    size: Math.max(4, Math.ceil(size / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
  });
}

/** Copies a buffer range to a fresh staging buffer and maps it; the GPU is not otherwise stalled. */
export async function readBuffer(device: GPUDevice, source: GPUBuffer, size = source.size, offset = 0): Promise<ArrayBuffer> {
  return (await readRanges(device, source, [{ offset, size }]))[0];
}

/** Several ranges of one buffer through one staging buffer and one map (ranges in bytes, multiples of 4). */
export async function readRanges(device: GPUDevice, source: GPUBuffer, ranges: { offset: number; size: number }[]): Promise<ArrayBuffer[]> {
  const total = ranges.reduce((sum, range) => sum + range.size, 0);
  const staging = device.createBuffer({ size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  let at = 0;
  for (const { offset, size } of ranges) {
    encoder.copyBufferToBuffer(source, offset, staging, at, size);
    at += size;
  }
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const mapped = staging.getMappedRange();
  at = 0;
  const copies = ranges.map(({ size }) => {
    const copy = mapped.slice(at, at + size);
    at += size;
    return copy;
  });
  staging.unmap();
  staging.destroy();
  return copies;
}
