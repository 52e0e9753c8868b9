import { createStorageBuffer, readBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/context.ts';
import { ADAM_DEFAULTS, type AdamConfig } from '../reference.ts';
import type { GpuGradientReduction } from './gradients.ts';
import { makeDispatch, recordDispatches, type Dispatch } from './kernels.ts';

/** Bytes of AdamState in shaders/nn/adam.wgsl, whose first word is the step count. */
export const ADAM_STATE_BYTES = 20;
/** ADAM_WORKGROUP in shaders/nn/adam.wgsl. */
const ADAM_WORKGROUP = 256;
/** Stands for "no clipping": no float32 norm exceeds it, and the kernels need no special case. */
const LARGEST_FLOAT32 = 3.4028234663852886e38;

export interface GpuAdamOptions {
  /** Parameters, and their gradients as GpuGradientReduction leaves them (zeroed by each update). */
  params: GPUBuffer;
  grads: GPUBuffer;
  paramCount: number;
  /** The reduction that fills grads: its per-workgroup sums of squares give the global norm. */
  reduction: GpuGradientReduction;
  learningRate: number;
  /** Global-norm clipping threshold (CleanRL's max_grad_norm); null: no clipping. */
  maxGradNorm: number | null;
  /** Betas and eps; CleanRL's PPO values unless given. */
  config?: AdamConfig;
  /**
   * Parameter sets of paramCount, one after another in params and grads, each with its own moments,
   * step and norm (a seed grid's runs, src/train/gpu-trainer.ts); reduction's partials likewise,
   * normPartialCount per set. 1 unless given.
   */
  sets?: number;
}

export interface GpuAdamState {
  /** Updates taken. */
  step: number;
  /** ‖g‖ before clipping and the factor g was scaled by, in the latest update. */
  gradNorm: number;
  clipScale: number;
}

/**
 * Adam with global-norm gradient clipping over the flat buffers, as Adam and clipGradNorm in
 * src/nn/reference.ts: two dispatches per update (adam_prepare, then adam_update over all
 * parameters). The step count and bias corrections live on the GPU, so one command buffer can hold
 * many updates; the learning rate is a uniform that setLearningRate rewrites between submissions.
 */
export class GpuAdam {
  readonly firstMoment: GPUBuffer;
  readonly secondMoment: GPUBuffer;
  /** AdamState in shaders/nn/adam.wgsl. */
  readonly state: GPUBuffer;
  private readonly device: GPUDevice;
  private readonly configBuffer: GPUBuffer;
  private readonly configWords = new ArrayBuffer(48);
  private readonly dispatches: Dispatch[];

  constructor(gpu: GpuContext, options: GpuAdamOptions) {
    const { device } = gpu;
    const { paramCount, reduction } = options;
    const sets = options.sets ?? 1;
    this.device = device;
    this.firstMoment = createStorageBuffer(device, 'adam first moment', sets * paramCount * 4);
    this.secondMoment = createStorageBuffer(device, 'adam second moment', sets * paramCount * 4);
    this.state = createStorageBuffer(device, 'adam state', sets * ADAM_STATE_BYTES);
    this.configBuffer = device.createBuffer({ label: 'adam config', size: this.configWords.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });

    const { beta1, beta2, eps } = options.config ?? ADAM_DEFAULTS;
    const floats = new Float32Array(this.configWords);
    floats.set([options.learningRate, beta1, beta2, 1 - beta1, 1 - beta2, Math.log(beta1), Math.log(beta2), eps, options.maxGradNorm ?? LARGEST_FLOAT32]);
    new Uint32Array(this.configWords).set([paramCount, reduction.normPartialCount, sets], 9);
    device.queue.writeBuffer(this.configBuffer, 0, this.configWords);

    this.dispatches = [
      makeDispatch(gpu, {
        files: ['adam.wgsl', 'adam_prepare.wgsl'],
        entryPoint: 'adam_prepare',
        buffers: [this.configBuffer, reduction.normPartials, this.state],
        grid: [sets],
      }),
      makeDispatch(gpu, {
        files: ['adam.wgsl', 'adam_update.wgsl'],
        entryPoint: 'adam_update',
        buffers: [this.configBuffer, this.state, options.grads, options.params, this.firstMoment, this.secondMoment],
        grid: [Math.ceil((sets * paramCount) / ADAM_WORKGROUP)],
      }),
    ];
  }

  /** Applies to the updates of command buffers submitted from now on. */
  setLearningRate(learningRate: number): void {
    new Float32Array(this.configWords)[0] = learningRate;
    this.device.queue.writeBuffer(this.configBuffer, 0, this.configWords, 0, 4);
  }

  /** Dispatches of one update. */
  get dispatchCount(): number {
    return this.dispatches.length;
  }

  /** One update, after the reduction that completed the gradients. */
  recordUpdate(pass: GPUComputePassEncoder): void {
    recordDispatches(pass, this.dispatches);
  }

  async readState(): Promise<GpuAdamState> {
    return (await this.readStates())[0];
  }

  /** Each parameter set's. */
  async readStates(): Promise<GpuAdamState[]> {
    const words = await readBuffer(this.device, this.state);
    return Array.from({ length: words.byteLength / ADAM_STATE_BYTES }, (_, set) => {
      const [step] = new Uint32Array(words, set * ADAM_STATE_BYTES, 1);
      const [gradNorm, clipScale] = new Float32Array(words, set * ADAM_STATE_BYTES + 4, 2);
      return { step, gradNorm, clipScale };
    });
  }
}
