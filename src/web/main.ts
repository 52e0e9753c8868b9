import * as Comlink from 'comlink';
import { ENV_IDS, ENVS } from '../../envs/index.ts';
import { decodeSafetensors, METADATA_ENV_ID, MODEL_FILE } from '../nn/safetensors.ts';
import { LearningCurve } from './chart.ts';
import { PLAY_KEYS, playHelp } from './play-keys.ts';
import type { InitResult, LiveStats, PageEvents, PlayState, WorkerApi } from './protocol.ts';
import { CANVAS_HEIGHT, CANVAS_WIDTH, DEFAULT_AGENTS, MAX_AGENTS } from './render/layout.ts';
import { ALGORITHMS, type Algorithm, type RunConfig } from './trainer.ts';
import './style.css';

/**
 * The page: controls, live figures and the chart. All GPU work happens in the worker
 * (src/web/worker.ts), which draws into the canvas this page hands over.
 */

/** A mistake in the controls: shown on the page, not logged as an error. */
class InputProblem extends Error {}

const MIN_ENVS = 1;
const MAX_ENVS = 65536;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  app: $('app'),
  env: $<HTMLSelectElement>('env'),
  algo: $<HTMLSelectElement>('algo'),
  envs: $<HTMLInputElement>('envs'),
  seed: $<HTMLInputElement>('seed'),
  agents: $<HTMLInputElement>('agents'),
  renderer: $<HTMLSelectElement>('renderer'),
  hyperparameters: $<HTMLTextAreaElement>('hyperparameters'),
  advanced: $<HTMLDetailsElement>('advanced'),
  start: $<HTMLButtonElement>('start'),
  pause: $<HTMLButtonElement>('pause'),
  resume: $<HTMLButtonElement>('resume'),
  reset: $<HTMLButtonElement>('reset'),
  play: $<HTMLButtonElement>('play'),
  save: $<HTMLButtonElement>('save'),
  checkpoint: $<HTMLInputElement>('checkpoint'),
  status: $('status'),
  notice: $('notice'),
  deviceLost: $('device-lost'),
  deviceLostMessage: $('device-lost-message'),
  restart: $<HTMLButtonElement>('restart'),
  viewport: $('viewport'),
  focusTitle: $('focus-title'),
  focusProbs: $('focus-probs'),
  focusValue: $('focus-value'),
  playState: $('play-state'),
  playHelp: $('play-help'),
};
const stat = (name: string) => document.querySelector<HTMLElement>(`[data-stat="${name}"]`)!;

for (const env of ENVS) ui.env.add(new Option(env.spec.id, env.spec.id));
for (const algo of ALGORITHMS) ui.algo.add(new Option(algo.toUpperCase(), algo));
ui.agents.max = String(MAX_AGENTS);

// URL parameters set up (and with autostart=1 start) a run: ?env=…&algo=…&envs=…&seed=…&agents=…
const params = new URLSearchParams(location.search);
const envParam = params.get('env');
if (envParam && ENVS.some((env) => env.spec.id === envParam)) ui.env.value = envParam;
const algoParam = params.get('algo');
if (algoParam && (ALGORITHMS as readonly string[]).includes(algoParam)) ui.algo.value = algoParam;
for (const [name, input] of [['envs', ui.envs], ['seed', ui.seed], ['agents', ui.agents]] as const) {
  const value = params.get(name);
  if (value !== null && /^\d+$/.test(value)) input.value = value;
}

if (params.get('renderer') === 'webgl') ui.renderer.value = 'webgl';
const hpParam = params.get('hp');
if (hpParam) {
  ui.hyperparameters.value = hpParam;
  ui.advanced.open = true;
}

const chart = new LearningCurve($('chart'));
let worker: Worker | undefined;
let api: Comlink.Remote<WorkerApi> | undefined;
let state: 'idle' | 'running' | 'paused' | 'playing' = 'idle';
let lastConfig: { kind: 'train'; config: RunConfig } | { kind: 'play'; envId: string; seed: number } | undefined;
/** The running trainer's latest checkpoint, kept in memory to restart from after a device loss. */
let snapshot: { files: Record<string, Uint8Array>; steps: number } | undefined;

/** An envs count, or undefined (the algorithm's preset for the env) while the field is empty. */
function envsCount(): number | undefined {
  return ui.envs.value.trim() === '' ? undefined : clampInt(ui.envs, MIN_ENVS, MAX_ENVS, 1024);
}

function clampInt(input: HTMLInputElement, lo: number, hi: number, fallback: number): number {
  const value = Math.trunc(Number(input.value));
  const clamped = Number.isFinite(value) ? Math.min(Math.max(value, lo), hi) : fallback;
  input.value = String(clamped);
  return clamped;
}

/** The Hyperparameters panel as an object; throws a message for anything but a JSON object. */
function hyperparameters(): Record<string, unknown> {
  const text = ui.hyperparameters.value.trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputProblem(`Hyperparameters: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputProblem('Hyperparameters: expected a JSON object such as {"learningRate": 0.001}');
  return value as Record<string, unknown>;
}

function config(): RunConfig {
  return {
    envId: ui.env.value,
    algo: ui.algo.value as Algorithm,
    numEnvs: envsCount(),
    seed: clampInt(ui.seed, 0, 0xffffffff, 1),
    hyperparameters: hyperparameters(),
  };
}

function setState(next: typeof state): void {
  state = next;
  ui.start.disabled = next === 'running';
  ui.pause.disabled = next !== 'running' && next !== 'playing';
  ui.resume.disabled = next !== 'paused';
  ui.reset.disabled = next === 'idle';
  document.body.dataset.state = next;
}

function showStats(stats: LiveStats): void {
  stat('steps').textContent = String(stats.steps);
  stat('steps-per-sec').textContent = String(Math.round(stats.stepsPerSec));
  stat('episodes').textContent = String(stats.episodes);
  if (Number.isFinite(stats.meanReturn)) stat('mean-return').textContent = String(Math.round(stats.meanReturn * 1000) / 1000);
  if (stats.mode === 'train' && stats.freshReturn) chart.add(stats.steps, stats.meanReturn);
}

function clearStats(): void {
  for (const name of ['steps', 'steps-per-sec', 'episodes']) stat(name).textContent = '0';
  stat('mean-return').textContent = '';
}

function showPlayState(play: PlayState): void {
  ui.playState.replaceChildren(
    ...Object.entries({ step: play.step, 'episode return': play.episodeReturn, episodes: play.episodes, ...play.state }).map(([name, value]) => {
      const row = document.createElement('div');
      const dt = document.createElement('dt');
      const dd = document.createElement('dd');
      dt.textContent = name;
      dd.textContent = String(Math.round(value * 1000) / 1000);
      dd.dataset.state = name;
      row.append(dt, dd);
      return row;
    }),
  );
}

function showNoWebGpu(reason: string): void {
  $('no-webgpu-reason').textContent = reason;
  $('no-webgpu-agent').textContent = navigator.userAgent;
  $('no-webgpu').hidden = false;
  ui.app.hidden = true;
  document.body.dataset.state = 'no-webgpu';
}

const events: PageEvents = {
  stats: showStats,
  play: showPlayState,
  snapshot(files, steps) {
    snapshot = { files, steps };
  },
  deviceLost(message) {
    const from = snapshot ? `from its snapshot at ${snapshot.steps} steps` : 'from the start';
    ui.deviceLostMessage.textContent = `${message}. The run stopped; Restart starts it again ${from} on a new device.`;
    ui.deviceLost.hidden = false;
    ui.status.textContent = 'GPU device lost.';
    document.body.dataset.state = 'device-lost';
  },
  error(message) {
    ui.notice.textContent = `Error: ${message}`;
    ui.notice.hidden = false;
  },
};

/** A fresh worker and canvas (a canvas can be handed to a worker only once). */
async function boot(): Promise<boolean> {
  if (!('gpu' in navigator)) {
    showNoWebGpu('This browser has no navigator.gpu: WebGPU is missing or switched off.');
    return false;
  }
  api?.[Comlink.releaseProxy]();
  worker?.terminate();
  const old = document.getElementById('agents-canvas')!;
  const canvas = document.createElement('canvas');
  canvas.id = 'agents-canvas';
  canvas.width = CANVAS_WIDTH;
  canvas.height = CANVAS_HEIGHT;
  old.replaceWith(canvas);
  canvas.addEventListener('click', (event) => void onCanvasClick(canvas, event));
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.addEventListener('error', (event) => events.error(`the GPU worker failed to start: ${event.message}`));
  api = Comlink.wrap<WorkerApi>(worker);
  const offscreen = canvas.transferControlToOffscreen();
  const renderer = ui.renderer.value === 'webgl' ? 'webgl' : 'webgpu';
  const result: InitResult = await api.init(Comlink.transfer(offscreen, [offscreen]), Comlink.proxy(events), renderer);
  if (!result.ok) {
    showNoWebGpu(
      result.missing === 'adapter'
        ? 'WebGPU is present, but the browser offered no GPU adapter (it may be switched off by a flag, a blocklist, or a missing driver).'
        : `WebGPU could not start: ${result.detail}`,
    );
    return false;
  }
  ui.app.hidden = false;
  ui.status.textContent = `GPU: ${result.adapter}. Renderer: ${result.renderer}.`;
  document.body.dataset.adapter = result.adapter;
  document.body.dataset.renderer = renderer;
  return true;
}

let canSave = false;

async function startTraining(run: RunConfig = config()): Promise<void> {
  snapshot = undefined;
  ui.notice.hidden = true;
  lastConfig = { kind: 'train', config: run };
  clearStats();
  resetFocus();
  setState('running');
  const agents = clampInt(ui.agents, 1, MAX_AGENTS, DEFAULT_AGENTS);
  let info;
  try {
    info = await api!.train(run, agents);
  } catch (error) {
    setState('idle');
    throw error;
  }
  canSave = info.canSave;
  ui.save.disabled = !canSave;
  chart.startRun(`${run.algo} ${run.envId} #${chart.runs + 1}${run.watch ? ' (checkpoint)' : ''}`);
  ui.notice.textContent = `${run.envId}: ${info.numEnvs} envs, ${run.watch ? 'a loaded policy playing' : `training with ${run.algo.toUpperCase()}`}.`;
  ui.notice.hidden = false;
  ui.playState.hidden = true;
  ui.playHelp.hidden = true;
}

async function startPlay(): Promise<void> {
  const envId = ui.env.value;
  const seed = clampInt(ui.seed, 0, 0xffffffff, 1);
  lastConfig = { kind: 'play', envId, seed };
  clearStats();
  resetFocus();
  ui.focusTitle.textContent = `Playing ${envId}.`;
  setState('playing');
  await api!.play(envId, seed);
  const env = ENVS.find((candidate) => candidate.spec.id === envId)!;
  ui.playHelp.textContent = `Keys: ${playHelp(env.spec)}.`;
  ui.playHelp.hidden = false;
  ui.playState.hidden = false;
  ui.notice.hidden = true;
}

function resetFocus(): void {
  focusAgent = undefined;
  ui.focusTitle.textContent = 'Click an agent to enlarge it.';
  ui.focusProbs.replaceChildren();
  ui.focusValue.textContent = '';
}

async function onCanvasClick(canvas: HTMLCanvasElement, event: MouseEvent): Promise<void> {
  if (!api || state === 'playing') return;
  const box = canvas.getBoundingClientRect();
  const x = ((event.clientX - box.left) * CANVAS_WIDTH) / box.width;
  const y = ((event.clientY - box.top) * CANVAS_HEIGHT) / box.height;
  const agent = await api.select(x, y);
  if (agent === undefined) return;
  focusAgent = agent;
  ui.focusTitle.textContent = `Agent ${agent}`;
  ui.focusProbs.replaceChildren();
  ui.focusValue.textContent = '';
  void refreshFocus();
}

/** How often the enlarged agent's action probabilities and value are read back while a run goes. */
const FOCUS_INTERVAL_MS = 1000;
let focusInFlight = false;
/** The agent last clicked; a readback that answers for an earlier selection is dropped. */
let focusAgent: number | undefined;

/** Shows the enlarged agent's policy and value as they are now (one small readback, never two at once). */
async function refreshFocus(): Promise<void> {
  if (!api || focusInFlight || (state !== 'running' && state !== 'paused')) return;
  focusInFlight = true;
  try {
    const selection = await api.inspect();
    if (!selection || (state !== 'running' && state !== 'paused')) return;
    if (focusAgent !== undefined && selection.agent !== focusAgent) return;
    ui.focusTitle.textContent = `Agent ${selection.agent}`;
    ui.focusProbs.replaceChildren(
      ...(selection.probabilities ?? []).map((p, action) => {
        const item = document.createElement('li');
        item.textContent = `action ${action}: ${(p * 100).toFixed(1)}%`;
        return item;
      }),
    );
    ui.focusValue.textContent = selection.value !== undefined && Number.isFinite(selection.value) ? `value estimate ${selection.value.toFixed(3)}` : '';
  } finally {
    focusInFlight = false;
  }
}
setInterval(() => void refreshFocus().catch(report), FOCUS_INTERVAL_MS);

ui.start.addEventListener('click', () => void startTraining().catch(report));
ui.save.addEventListener('click', () => {
  void (async () => {
    const files = await api!.save();
    for (const [name, bytes] of Object.entries(files)) {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    }
  })().catch(report);
});
ui.checkpoint.addEventListener('change', () => {
  const chosen = [...(ui.checkpoint.files ?? [])];
  ui.checkpoint.value = '';
  if (chosen.length === 0) return;
  void (async () => {
    const files: Record<string, Uint8Array> = {};
    for (const file of chosen) files[file.name] = new Uint8Array(await file.arrayBuffer());
    // A model file names its env: pick that env, so the policy meets the observations it knows.
    const model = files[MODEL_FILE];
    const envId = model ? decodeSafetensors(model, MODEL_FILE).metadata[METADATA_ENV_ID] : undefined;
    if (envId && ENV_IDS.includes(envId)) ui.env.value = envId;
    if (state !== 'idle') await api!.stop();
    await startTraining({ ...config(), checkpoint: files, watch: true });
  })().catch(report);
});
ui.play.addEventListener('click', () => void startPlay().catch(report));
ui.pause.addEventListener('click', () => {
  void api?.pause();
  setState('paused');
});
ui.resume.addEventListener('click', () => {
  void api?.resume();
  setState(lastConfig?.kind === 'play' ? 'playing' : 'running');
});
ui.reset.addEventListener('click', () => {
  void api?.stop();
  ui.save.disabled = true;
  clearStats();
  resetFocus();
  setState('idle');
});
// A canvas takes one kind of context for life: another renderer means a new canvas and worker.
ui.renderer.addEventListener('change', () => {
  void (async () => {
    setState('idle');
    clearStats();
    resetFocus();
    ui.save.disabled = true;
    if (await boot()) setState('idle');
  })().catch(report);
});
ui.agents.addEventListener('change', () => void api?.setAgents(clampInt(ui.agents, 1, MAX_AGENTS, DEFAULT_AGENTS)));
ui.restart.addEventListener('click', () => {
  ui.deviceLost.hidden = true;
  void (async () => {
    if (!(await boot())) return;
    if (lastConfig?.kind === 'play') await startPlay();
    else if (lastConfig) {
      const run = lastConfig.config;
      await startTraining(snapshot ? { ...run, checkpoint: snapshot.files } : run);
    }
    else setState('idle');
  })().catch(report);
});

// Play mode's keys: held keys and taps between steps both count.
window.addEventListener('keydown', (event) => {
  const key = PLAY_KEYS[event.key];
  if (!key || state !== 'playing' || event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  event.preventDefault();
  void api?.keyDown(key);
});
window.addEventListener('keyup', (event) => {
  const key = PLAY_KEYS[event.key];
  if (key) void api?.keyUp(key);
});

/** Errors the worker raises for bad input (src/errors.ts, src/nn/safetensors.ts): shown on the page, not program faults. */
const INPUT_ERRORS = new Set(['InputError', 'SafetensorsError']);

function report(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const userProblem = error instanceof InputProblem || (error instanceof Error && INPUT_ERRORS.has(error.name));
  if (!userProblem) console.error(`wgym: ${message}`);
  events.error(message);
}

void (async () => {
  if (!(await boot())) return;
  setState('idle');
  if (params.get('autostart') === '1') {
    if (params.get('mode') === 'play') await startPlay();
    else await startTraining();
  }
})().catch(report);

// For tools and tests: what the page is doing, without reaching into the worker.
(window as unknown as { wgym: object }).wgym = {
  get state() {
    return state;
  },
  simulateDeviceLoss: () => (api as unknown as { simulateDeviceLoss(): Promise<void> } | undefined)?.simulateDeviceLoss(),
};
