import type { GpuContext } from '../gpu/context.ts';
import type { GpuTrainer } from '../train/gpu-trainer.ts';
import { GpuPacer } from '../gpu/pacer.ts';
import { median, PassTimer, timeCommands, type Timing } from './timing.ts';

export interface PhaseTiming {
  name: string;
  dispatchesPerIteration: number;
  msPerDispatch: number;
  msPerIteration: number;
}

export interface TrainingProfile {
  timing: Timing;
  phases: PhaseTiming[];
  /** One whole iteration recorded as training records it, in one pass. */
  iterationMs: number;
}

/**
 * A timed pass repeats a phase until it takes at least this long (or MAX_RECORDS_PER_PASS times),
 * so that small kernels outweigh the pass's own cost and the timestamps' resolution.
 */
const MIN_PASS_MS = 2;
const MAX_RECORDS_PER_PASS = 256;

/**
 * Where a training iteration's GPU time goes: each phase recorded repeatedly in one pass and timed
 * (the median of `repetitions` passes, per record), then whole iterations the same way. The
 * trainer's state changes as it goes (envs step, Adam updates), so profile a throwaway trainer.
 */
export async function profileTraining(gpu: GpuContext, trainer: GpuTrainer, repetitions: number): Promise<TrainingProfile> {
  const { device } = gpu;
  const timer = gpu.hasTimestamps ? new PassTimer(device) : undefined;
  const timePass = (record: (pass: GPUComputePassEncoder) => void, pacer?: GpuPacer) =>
    timeCommands(device, (encoder) => {
      const pass = encoder.beginComputePass({ timestampWrites: timer?.writes(0, 1) });
      record(pass);
      pass.end();
    }, timer, pacer);
  const repeatedly = (record: (pass: GPUComputePassEncoder) => void, records: number) => (pass: GPUComputePassEncoder) => {
    for (let k = 0; k < records; k++) record(pass);
  };
  const timeRepeated = async (record: (pass: GPUComputePassEncoder) => void) => {
    await timePass(record); // the first run of a pipeline may include its compilation
    let records = 1;
    while (records < MAX_RECORDS_PER_PASS && (await timePass(repeatedly(record, records))) * 1e3 < MIN_PASS_MS) records *= 4;
    const seconds: number[] = [];
    const pacer = new GpuPacer();
    for (let r = 0; r < repetitions; r++) seconds.push(await timePass(repeatedly(record, records), pacer));
    return (median(seconds) * 1e3) / records;
  };
  try {
    const phases: PhaseTiming[] = [];
    for (const phase of trainer.phases()) {
      const msPerRecord = await timeRepeated((pass) => phase.record(pass));
      phases.push({
        name: phase.name,
        dispatchesPerIteration: phase.dispatches * phase.perIteration,
        msPerDispatch: msPerRecord / phase.dispatches,
        msPerIteration: msPerRecord * phase.perIteration,
      });
    }
    const iterationMs = await timeRepeated((pass) => trainer.recordIteration(pass));
    return { timing: timer ? 'gpu-timestamps' : 'wall-clock', phases, iterationMs };
  } finally {
    timer?.destroy();
  }
}
