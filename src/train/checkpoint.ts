import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ALGO_NAMES, getAlgorithm, type AlgoConfig, type AlgoName } from '../algos/index.ts';
import { InputError } from '../errors.ts';
import { buildNetwork, parseNetworkConfig, type Network } from '../nn/params.ts';
import { decodeSafetensors, encodeSafetensors, loadParams, MODEL_FILE, saveParams } from '../nn/safetensors.ts';

export { MODEL_FILE };

/**
 * A training checkpoint is three files in the run directory, each replaced atomically (written to a
 * temporary file, then renamed), so an interrupted run always leaves the previous complete one:
 *   model.safetensors      the parameters under PyTorch/CleanRL names (src/nn/params.ts), with the
 *                          env id and network config in its metadata: `wgym eval` needs only this;
 *   optimizer.safetensors  Adam's moments `exp_avg` and `exp_avg_sq` in the same flat order;
 *   checkpoint.json        what resuming needs: algorithm, config, seed, steps, Adam's step count.
 * The JSON is renamed last and names the step both safetensors files carry, so a crash between the
 * renames is detected on resume instead of mixing two checkpoints.
 */
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const CHECKPOINT_FILE = 'checkpoint.json';
const STEP_KEY = 'step';

const checkpointSchema = z.strictObject({
  format: z.literal('wgym-checkpoint-1'),
  envId: z.string(),
  algo: z.enum(ALGO_NAMES as [AlgoName, ...AlgoName[]]),
  seed: z.number().int().nonnegative(),
  config: z.record(z.string(), z.unknown()),
  network: z.unknown(),
  step: z.number().int().nonnegative(),
  iteration: z.number().int().nonnegative(),
  adamStep: z.number().int().nonnegative(),
});

export interface CheckpointState {
  envId: string;
  algo: AlgoName;
  seed: number;
  config: AlgoConfig;
  step: number;
  iteration: number;
  adamStep: number;
}

export interface Checkpoint extends CheckpointState {
  net: Network;
  params: Float32Array;
  firstMoment: Float32Array;
  secondMoment: Float32Array;
}

/** Writes `bytes` to `path` through a temporary file in the same directory and a rename. */
export function writeAtomically(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

export function saveCheckpoint(dir: string, checkpoint: Checkpoint): void {
  const step = String(checkpoint.step);
  const { net } = checkpoint;
  writeAtomically(join(dir, MODEL_FILE), saveParams(net, checkpoint.params, checkpoint.envId, { [STEP_KEY]: step, algo: checkpoint.algo }));
  const moments = [
    { name: 'exp_avg', shape: [net.layout.size], data: checkpoint.firstMoment },
    { name: 'exp_avg_sq', shape: [net.layout.size], data: checkpoint.secondMoment },
  ];
  writeAtomically(join(dir, OPTIMIZER_FILE), encodeSafetensors(moments, { [STEP_KEY]: step }));
  const state = {
    format: 'wgym-checkpoint-1',
    envId: checkpoint.envId,
    algo: checkpoint.algo,
    seed: checkpoint.seed,
    config: checkpoint.config,
    network: net.config,
    step: checkpoint.step,
    iteration: checkpoint.iteration,
    adamStep: checkpoint.adamStep,
  };
  writeAtomically(join(dir, CHECKPOINT_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

function readFile(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new InputError(`${what} not found: ${path}`);
  return readFileSync(path);
}

/** The model file a path names: the file itself, or MODEL_FILE in a run directory. */
export function modelPath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, MODEL_FILE) : path;
}

/** Reads a run directory's checkpoint for resuming; every file is checked against the others. */
export function loadCheckpoint(dir: string): Checkpoint {
  const jsonPath = join(dir, CHECKPOINT_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(readFile(jsonPath, 'checkpoint')));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${jsonPath}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${jsonPath}: field '${issue.path.join('.')}': ${issue.message}`);
  }
  const state = parsed.data;
  const config = getAlgorithm(state.algo).schema.safeParse(state.config);
  if (!config.success) throw new InputError(`${jsonPath}: the ${state.algo} config is not valid (${config.error.issues[0].path.join('.')}: ${config.error.issues[0].message})`);
  let net: Network;
  try {
    net = buildNetwork(parseNetworkConfig(state.network));
  } catch (error) {
    throw new InputError(`${jsonPath}: ${(error as Error).message}`);
  }

  const modelFile = join(dir, MODEL_FILE);
  const model = loadParams(readFile(modelFile, 'model file'), { envId: state.envId, network: net }, modelFile);
  const optimizerFile = join(dir, OPTIMIZER_FILE);
  const optimizer = decodeSafetensors(readFile(optimizerFile, 'optimizer file'), optimizerFile);
  for (const [file, stepText] of [[modelFile, model.metadata[STEP_KEY]], [optimizerFile, optimizer.metadata[STEP_KEY]]]) {
    if (stepText !== String(state.step)) throw new InputError(`${file} is from step ${stepText ?? '(none)'}, but ${CHECKPOINT_FILE} says step ${state.step}: the checkpoint is incomplete`);
  }
  const moment = (name: string) => {
    const tensor = optimizer.tensors.find((t) => t.name === name);
    if (!tensor || tensor.data.length !== net.layout.size) throw new InputError(`${optimizerFile}: no tensor '${name}' of ${net.layout.size} floats`);
    return Float32Array.from(tensor.data);
  };
  return {
    envId: state.envId,
    algo: state.algo,
    seed: state.seed,
    config: config.data,
    step: state.step,
    iteration: state.iteration,
    adamStep: state.adamStep,
    net,
    params: model.params,
    firstMoment: moment('exp_avg'),
    secondMoment: moment('exp_avg_sq'),
  };
}
