import type { GpuContext } from '../gpu/context.ts';
import type { GpuTrainer } from '../train/gpu-trainer.ts';
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

/** Records of a phase per timed pass, enough to outweigh a pass's own cost without running long. */
const MAX_RECORDS_PER_PASS = 8;

/**
 * Where a training iteration's GPU time goes: each phase recorded several times in one pass and
 * timed, then whole iterations. The trainer's state changes as it goes (envs step, Adam updates),
 * so profile a throwaway trainer.
 */
export async function profileTraining(gpu: GpuContext, trainer: GpuTrainer, repetitions: number): Promise<TrainingProfile> {
  const { device } = gpu;
  const timer = gpu.hasTimestamps ? new PassTimer(device) : undefined;
  const timePass = (record: (pass: GPUComputePassEncoder) => void) =>
    timeCommands(device, (encoder) => {
      const pass = encoder.beginComputePass({ timestampWrites: timer?.writes(0, 1) });
      record(pass);
      pass.end();
    }, timer);
  const timeRepeated = async (record: (pass: GPUComputePassEncoder) => void) => {
    await timePass(record); // the first run of a pipeline may include its compilation
    const seconds: number[] = [];
    for (let r = 0; r < repetitions; r++) seconds.push(await timePass(record));
    return median(seconds) * 1e3;
  };
  try {
    const phases: PhaseTiming[] = [];
    for (const phase of trainer.phases()) {
      const records = Math.min(MAX_RECORDS_PER_PASS, phase.perIteration);
      const ms = await timeRepeated((pass) => {
        for (let k = 0; k < records; k++) phase.record(pass);
      });
      const msPerRecord = ms / records;
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
