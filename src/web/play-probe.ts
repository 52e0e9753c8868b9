import { EPISODE_BYTES, type GpuVecEnv } from '../vecenv/gpu.ts';

/** Words of `Episode` in shaders/episode.wgsl that play mode shows. */
const EPISODE_LENGTH = 1;
const EPISODE_RETURN = 2;
const EPISODE_COUNT = 3;
const EPISODE_RETURN_SUM = 4;

export interface ProbeReading {
  /** State variables in spec.stateNames order. */
  state: number[];
  episodeReturn: number;
  episodeLength: number;
  /** Episodes ended since the env was created (play mode never drains the stats). */
  episodes: number;
  returnSum: number;
}

/**
 * Play mode's view of its one env: state and episode record copied into one small staging buffer
 * and mapped, at most one read in flight; the human-paced stepping never waits for it.
 */
export class PlayProbe {
  private readonly staging: GPUBuffer;
  private readonly stateBytes: number;
  private pending = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly vecEnv: GpuVecEnv,
  ) {
    this.stateBytes = vecEnv.spec.stateNames.length * 4;
    this.staging = device.createBuffer({ label: 'play probe', size: this.stateBytes + EPISODE_BYTES, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Reads the env as of the work submitted so far; undefined when a read is still in flight. */
  async read(): Promise<ProbeReading | undefined> {
    if (this.pending) return undefined;
    this.pending = true;
    try {
      const encoder = this.device.createCommandEncoder({ label: 'play probe' });
      encoder.copyBufferToBuffer(this.vecEnv.buffers.state, 0, this.staging, 0, this.stateBytes);
      encoder.copyBufferToBuffer(this.vecEnv.buffers.episodes, 0, this.staging, this.stateBytes, EPISODE_BYTES);
      this.device.queue.submit([encoder.finish()]);
      await this.staging.mapAsync(GPUMapMode.READ);
      const raw = this.staging.getMappedRange().slice(0);
      this.staging.unmap();
      const words = this.stateBytes / 4;
      const state = this.vecEnv.env.wgsl.state === 'i32' ? Array.from(new Int32Array(raw, 0, words)) : Array.from(new Float32Array(raw, 0, words));
      const u32 = new Uint32Array(raw, this.stateBytes);
      const f32 = new Float32Array(raw, this.stateBytes);
      return { state, episodeReturn: f32[EPISODE_RETURN], episodeLength: u32[EPISODE_LENGTH], episodes: u32[EPISODE_COUNT], returnSum: f32[EPISODE_RETURN_SUM] };
    } finally {
      this.pending = false;
    }
  }

  destroy(): void {
    this.staging.destroy();
  }
}
