import { describe, expect, it } from 'vitest';
import { timeCommands } from '../src/bench/timing.ts';
import { GpuPacer } from '../src/gpu/pacer.ts';

/** A pacer on a fake clock: `read` takes `gpuMs` after the batch was submitted, sleeps move the clock. */
function fakePacer(fraction = 0.8) {
  let clock = 0;
  const sleeps: number[] = [];
  const pacer = new GpuPacer(
    fraction,
    () => clock,
    async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  );
  const batch = async (units: number, gpuMs: number) => {
    const submittedAt = clock;
    for (let k = 0; k < units; k++) pacer.submitted();
    await pacer.wait(async () => {
      clock = Math.max(clock, submittedAt + gpuMs);
    });
    clock += 5; // host work between batches, which the GPU does not wait on
  };
  return { batch, sleeps };
}

describe('GpuPacer', () => {
  it('does not sleep before it has measured a batch, then sleeps the fraction of the expected time', async () => {
    const { batch, sleeps } = fakePacer(0.8);
    await batch(1, 100);
    expect(sleeps).toEqual([]);
    await batch(2, 200);
    expect(sleeps).toEqual([160]);
  });

  it('falls at once to a shorter time and rises by a quarter to a longer one', async () => {
    const { batch, sleeps } = fakePacer(0.5);
    await batch(1, 100);
    await batch(1, 40); // sleeps 50, the work ends at 50: measured 50 per unit
    await batch(1, 300); // sleeps 25; measured 300, rises to 50 · 1.25
    await batch(1, 300);
    expect(sleeps).toEqual([50, 25, 31.25]);
  });

  it('comes back within a few waits after a stall', async () => {
    const { batch, sleeps } = fakePacer(0.8);
    await batch(1, 100);
    await batch(1, 600_000); // the process stopped for ten minutes while the work was pending
    for (let k = 0; k < 3; k++) await batch(1, 100);
    expect(sleeps[0]).toBe(80);
    for (const ms of sleeps.slice(1)) expect(ms).toBeLessThanOrEqual(100);
  });

  it('reads at once when nothing was submitted', async () => {
    const sleeps: number[] = [];
    const pacer = new GpuPacer(0.9, () => 0, async (ms) => void sleeps.push(ms));
    await expect(pacer.wait(async () => 7)).resolves.toBe(7);
    expect(sleeps).toEqual([]);
  });
});

describe('timeCommands with a pacer', () => {
  /** A device whose submitted work ends `gpuMs` of wall-clock time after its submit. */
  const fakeDevice = (gpuMs: number) => {
    let done = Promise.resolve();
    return {
      createCommandEncoder: () => ({ finish: () => ({}) }),
      queue: {
        submit: () => void (done = new Promise<void>((resolve) => setTimeout(resolve, gpuMs))),
        onSubmittedWorkDone: () => done,
      },
    } as unknown as GPUDevice;
  };

  it('sleeps through part of the later repetitions and still times each from submit to completion', async () => {
    const sleeps: number[] = [];
    const pacer = new GpuPacer(0.5, undefined, (ms) => {
      sleeps.push(ms);
      return new Promise((resolve) => setTimeout(resolve, ms));
    });
    const device = fakeDevice(40);
    const seconds: number[] = [];
    for (let r = 0; r < 3; r++) seconds.push(await timeCommands(device, () => {}, undefined, pacer));
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThanOrEqual(15);
    for (const s of seconds) {
      expect(s).toBeGreaterThanOrEqual(0.038);
      expect(s).toBeLessThan(0.2);
    }
  });
});
