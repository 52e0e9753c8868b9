/** Floats of each sample's loss terms (ROW_STATS in shaders/train/layout.wgsl). */
export const ROW_STATS = 5;

/** Offsets (u32 words, multiples of 4) of the train buffer's sections; shaders/train/layout.wgsl describes each. */
export interface TrainLayout {
  sections: Record<TrainSection, number>;
  /** Total words. */
  words: number;
}

export type TrainSection =
  | 'RO_OBS'
  | 'RO_ACTIONS'
  | 'RO_LOG_PROB'
  | 'RO_VALUES'
  | 'RO_REWARDS'
  | 'RO_DONES'
  | 'RO_ADVANTAGES'
  | 'RO_RETURNS'
  | 'RO_LAST_VALUES'
  | 'RO_FINAL_WORDS'
  | 'RO_SCRATCH'
  | 'RO_DZ'
  | 'RO_ROW_STATS'
  | 'RO_LOG_STD_DZ'
  | 'RO_LOSS_STATS'
  | 'RO_INPUT_QUADS'
  | 'RO_LIVE_INPUTS';

export function trainLayout(dims: { steps: number; envs: number; obsWords: number; actStride: number; minibatchRows: number; inputSize: number }): TrainLayout {
  const rows = dims.steps * dims.envs;
  // The update kernels run samples four at a time (shaders/train/network.wgsl).
  const quadRows = 4 * Math.ceil(dims.minibatchRows / 4);
  const sizes: [TrainSection, number][] = [
    ['RO_OBS', rows * dims.obsWords],
    ['RO_ACTIONS', rows],
    ['RO_LOG_PROB', rows],
    ['RO_VALUES', rows],
    ['RO_REWARDS', rows],
    ['RO_DONES', rows],
    ['RO_ADVANTAGES', rows],
    ['RO_RETURNS', rows],
    ['RO_LAST_VALUES', dims.envs],
    ['RO_FINAL_WORDS', dims.envs * dims.obsWords],
    // The rollout's rows are envs, the update's are minibatch samples; the two never overlap in time.
    ['RO_SCRATCH', Math.max(dims.envs, quadRows) * dims.actStride],
    ['RO_DZ', quadRows * dims.actStride],
    ['RO_ROW_STATS', dims.minibatchRows * ROW_STATS],
    ['RO_LOG_STD_DZ', dims.minibatchRows],
    ['RO_LOSS_STATS', ROW_STATS],
    // A bit per quad of the minibatch for each block of 8 inputs (the padded observation's).
    ['RO_INPUT_QUADS', Math.ceil((dims.inputSize + 4) / 8) * Math.ceil(quadRows / 4 / 32)],
    // The lists of a ReLU stage's live outputs (network.wgsl): a row's worth of words for each of the
    // rollout's envs, or for each of the update's quads.
    ['RO_LIVE_INPUTS', Math.max(dims.envs, quadRows / 4) * dims.actStride],
  ];
  const sections = {} as Record<TrainSection, number>;
  let words = 0;
  for (const [name, size] of sizes) {
    sections[name] = words;
    // Aligned for the kernels' vec4 view of the buffer.
    words += 4 * Math.ceil(size / 4);
  }
  return { sections, words };
}
