import type { PlayKey } from './play-keys.ts';
import type { RunConfig } from './trainer.ts';

/** Figures the page shows; sent by the worker a few times per second, never per step. */
export interface LiveStats {
  mode: 'train' | 'play';
  steps: number;
  stepsPerSec: number;
  episodes: number;
  /** Mean return of the latest episodes to end (NaN before the first). */
  meanReturn: number;
  /** Whether the mean return is new since the previous message (a point for the chart). */
  freshReturn: boolean;
}

/** Play mode's single env, after each step. */
export interface PlayState {
  step: number;
  /** The state variables by spec.stateNames. */
  state: Record<string, number>;
  /** Return of the episode in progress. */
  episodeReturn: number;
  episodes: number;
}

/** Calls from the worker to the page (Comlink proxies). */
export interface PageEvents {
  stats(stats: LiveStats): void;
  play(state: PlayState): void;
  /** The trainer's checkpoint files, taken now and then (Trainer.checkpoint), for a restart after device loss. */
  snapshot(files: Record<string, Uint8Array>, steps: number): void;
  deviceLost(message: string): void;
  error(message: string): void;
}

export type InitResult =
  | { ok: true; adapter: string; renderer: string }
  | { ok: false; missing: 'navigator.gpu' | 'adapter' | 'device'; detail: string };

export interface RunInfo {
  numEnvs: number;
  agents: number;
  /** Whether save() can write the policy (the trainer implements checkpoint()). */
  canSave: boolean;
}

export interface Selection {
  agent: number;
  probabilities?: number[];
  value?: number;
}

/** The GPU-owner worker's API (src/web/worker.ts), as the page sees it through Comlink. */
export interface WorkerApi {
  /** renderer: 'webgpu', or 'webgl' for the explicit fallback (src/web/render/pixi-stage.ts). */
  init(canvas: OffscreenCanvas, events: PageEvents, renderer?: 'webgpu' | 'webgl'): Promise<InitResult>;
  train(config: RunConfig, agents: number): Promise<RunInfo>;
  play(envId: string, seed: number): Promise<RunInfo>;
  pause(): void;
  resume(): void;
  stop(): void;
  setAgents(agents: number): void;
  /** The running trainer's checkpoint files by name. */
  save(): Promise<Record<string, Uint8Array>>;
  /** Enlarges the agent whose tile is at (x, y) of the canvas; its index, or undefined for none. */
  select(x: number, y: number): number | undefined;
  /** The enlarged agent's policy and value now (a small readback; undefined outside a training run). */
  inspect(): Promise<Selection | undefined>;
  keyDown(key: PlayKey): void;
  keyUp(key: PlayKey): void;
}
