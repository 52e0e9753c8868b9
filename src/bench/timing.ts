/** Timing GPU work for the benchmarks: GPU timestamp queries where the device has them, else the wall clock. */
import { readBuffer } from '../gpu/buffers.ts';
import type { GpuPacer } from '../gpu/pacer.ts';

export type Timing = 'gpu-timestamps' | 'wall-clock';

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Timestamps at the beginning of a command buffer's first pass and the end of its last, resolved into a buffer. */
export class PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;

  constructor(private readonly device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
    this.resolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  /** The timestamp writes of pass number `pass` of `passes`. */
  writes(pass: number, passes: number): GPUComputePassTimestampWrites | undefined {
    if (pass !== 0 && pass !== passes - 1) return undefined;
    return {
      querySet: this.querySet,
      ...(pass === 0 ? { beginningOfPassWriteIndex: 0 } : {}),
      ...(pass === passes - 1 ? { endOfPassWriteIndex: 1 } : {}),
    };
  }

  finish(encoder: GPUCommandEncoder): void {
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
  }

  async seconds(): Promise<number> {
    const [begin, end] = new BigUint64Array(await readBuffer(this.device, this.resolve));
    return Number(end - begin) / 1e9;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
  }
}

/**
 * Seconds of the work `encode` puts into one command buffer: between the timer's timestamps where
 * there is a timer (`encode` passes its writes to its passes), else from submit to completion.
 * A pacer sleeps through most of the wait (see GpuPacer): without one, Dawn's polling takes a core
 * that a software adapter would give to the work being timed. Give one only to repetitions of the
 * same work, after a warm-up: it sleeps for as long as the earlier ones took.
 */
export async function timeCommands(
  device: GPUDevice,
  encode: (encoder: GPUCommandEncoder) => void,
  timer?: PassTimer,
  pacer?: GpuPacer,
): Promise<number> {
  const encoder = device.createCommandEncoder();
  encode(encoder);
  timer?.finish(encoder);
  const start = performance.now();
  device.queue.submit([encoder.finish()]);
  if (pacer) {
    pacer.submitted();
    await pacer.wait(() => device.queue.onSubmittedWorkDone());
  } else {
    await device.queue.onSubmittedWorkDone();
  }
  const wall = (performance.now() - start) / 1e3;
  return timer ? timer.seconds() : wall;
}
