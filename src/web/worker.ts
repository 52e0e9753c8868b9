/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { getEnv } from '../../envs/index.ts';
import { openDevice, type GpuContext } from '../gpu/context.ts';
import { requireFullLoops } from '../gpu/loop-limit.ts';
import { bundledShaderLibrary } from '../gpu/shaders-web.ts';
import { createVecEnv } from '../vecenv/index.ts';
import type { GpuVecEnv } from '../vecenv/gpu.ts';
import { PlayProbe } from './play-probe.ts';
import { actionFor, playRate, type PlayKey } from './play-keys.ts';
import type { InitResult, LiveStats, PageEvents, RunInfo, Selection, WorkerApi } from './protocol.ts';
import { AgentFrames, type View } from './render/agent-frames.ts';
import { agentLayout, CANVAS_HEIGHT, CANVAS_WIDTH, DEFAULT_AGENTS, MAX_AGENTS, playLayout, tileAt, type AgentLayout } from './render/layout.ts';
import { PixiStage, type StageKind } from './render/pixi-stage.ts';
import type { RunConfig, Trainer, TrainerStats } from './trainer.ts';
import { TRAINERS } from './trainers.ts';

/**
 * The GPU-owner worker: it alone holds the GPUDevice, the envs, the trainer and the PixiJS
 * renderer (on the canvas the page transferred). The page drives it through Comlink; it answers
 * with throttled stats. One session at a time: a training run or play mode.
 */

const STATS_INTERVAL_MS = 250;
const FRAME_INTERVAL_MS = 1000 / 30;
/** How often a trained policy is copied to the page, to restart from after a device loss. */
const SNAPSHOT_INTERVAL_MS = 60_000;

interface Session {
  kind: 'train' | 'play';
  vecEnv: GpuVecEnv;
  frames: AgentFrames;
  layout: AgentLayout;
  selected: number;
  stopped: boolean;
  paused: boolean;
  wake?: () => void;
  trainer?: Trainer;
  probe?: PlayProbe;
  timer?: ReturnType<typeof setInterval>;
}

class GpuOwner implements WorkerApi {
  private ctx?: GpuContext;
  private stage?: PixiStage;
  private events?: PageEvents;
  private session?: Session;
  private lost = false;
  private readonly held = new Set<PlayKey>();
  private readonly tapped = new Set<PlayKey>();

  async init(canvas: OffscreenCanvas, events: PageEvents, renderer: StageKind = 'webgpu'): Promise<InitResult> {
    this.events = events;
    if (!('gpu' in navigator) || !navigator.gpu) return { ok: false, missing: 'navigator.gpu', detail: 'navigator.gpu is not defined in this browser' };
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { ok: false, missing: 'adapter', detail: 'navigator.gpu.requestAdapter() returned no adapter' };
    try {
      this.ctx = await openDevice(adapter, bundledShaderLibrary, (message) => this.deviceLost(message));
      await requireFullLoops(this.ctx, "open the page in a browser whose WebGPU runs on a GPU, or on SwiftShader (Chrome's software adapter)");
    } catch (error) {
      this.ctx?.device.destroy();
      this.ctx = undefined;
      return { ok: false, missing: 'device', detail: String(error) };
    }
    this.ctx.device.addEventListener('uncapturederror', (event) => {
      const message = `WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`;
      console.error(message);
      this.events?.error(message);
    });
    this.stage = await PixiStage.create(canvas, adapter, this.ctx.device, renderer);
    this.stage.render();
    const described = renderer === 'webgl' ? 'WebGL fallback (PixiJS; the compute-drawn atlas is copied from the GPU every frame)' : 'WebGPU (PixiJS, compute-drawn atlas)';
    return { ok: true, adapter: this.ctx.adapterName, renderer: described };
  }

  async train(config: RunConfig, agents: number): Promise<RunInfo> {
    const ctx = this.context();
    this.stop();
    const trainer: Trainer = await TRAINERS[config.algo](ctx, config);
    const count = Math.min(Math.max(1, Math.trunc(agents) || DEFAULT_AGENTS), MAX_AGENTS, trainer.vecEnv.numEnvs);
    const session = this.open('train', trainer.vecEnv, agentLayout(count));
    session.trainer = trainer;
    this.select(session.layout.tiles[0].x, session.layout.tiles[0].y);
    void this.trainLoop(session);
    return { numEnvs: trainer.vecEnv.numEnvs, agents: count, canSave: trainer.checkpoint !== undefined };
  }

  async play(envId: string, seed: number): Promise<RunInfo> {
    const ctx = this.context();
    this.stop();
    const vecEnv = createVecEnv(ctx, envId, { numEnvs: 1, seed }) as GpuVecEnv;
    const session = this.open('play', vecEnv, playLayout());
    const spec = vecEnv.spec;
    const names = spec.stateNames;
    const probe = new PlayProbe(this.ctx!.device, vecEnv);
    session.probe = probe;
    let step = 0;
    let lastEpisodes = 0;
    const started = performance.now();
    this.held.clear();
    this.tapped.clear();
    // A step per tick at a human pace, but never more than one step's work in flight: a slow GPU
    // (software rendering under load) slows the game down instead of queueing up work.
    let busy = false;
    const tick = () => {
      if (session.stopped || session.paused || this.lost || busy) return;
      busy = true;
      const keys = new Set([...this.held, ...this.tapped]);
      this.tapped.clear();
      const action = actionFor(spec, keys, step);
      vecEnv.step(spec.actionSpace.kind === 'discrete' ? new Uint32Array([action]) : new Float32Array([action]));
      step += 1;
      this.draw(session, true);
      const steps = step;
      probe
        .read()
        .then((reading) => {
          if (!reading || session.stopped) return;
          this.events?.play({ step: steps, state: Object.fromEntries(names.map((name, i) => [name, reading.state[i]])), episodeReturn: reading.episodeReturn, episodes: reading.episodes });
          const fresh = reading.episodes > lastEpisodes;
          lastEpisodes = reading.episodes;
          const meanReturn = reading.episodes > 0 ? reading.returnSum / reading.episodes : Number.NaN;
          const stepsPerSec = (steps * 1000) / (performance.now() - started);
          this.events?.stats({ mode: 'play', steps: steps, stepsPerSec, episodes: reading.episodes, meanReturn, freshReturn: fresh });
        })
        .catch((error) => this.fail(error))
        .finally(() => (busy = false));
    };
    session.timer = setInterval(tick, 1000 / playRate(spec));
    return { numEnvs: 1, agents: 1, canSave: false };
  }

  pause(): void {
    if (this.session) this.session.paused = true;
  }

  resume(): void {
    const session = this.session;
    if (!session) return;
    session.paused = false;
    session.wake?.();
  }

  stop(): void {
    const session = this.session;
    if (!session) return;
    session.stopped = true;
    session.wake?.();
    if (session.timer !== undefined) clearInterval(session.timer);
    this.session = undefined;
    this.stage?.clear();
    this.stage?.render();
    // Buffers go once the queue has finished the work that uses them.
    const done = this.ctx && !this.lost ? this.ctx.device.queue.onSubmittedWorkDone() : Promise.resolve();
    void done.then(() => {
      session.frames.destroy();
      session.probe?.destroy();
      if (session.trainer) session.trainer.destroy();
      else session.vecEnv.destroy();
    });
  }

  setAgents(agents: number): void {
    const session = this.session;
    if (!session || session.kind !== 'train') return;
    const count = Math.min(Math.max(1, Math.trunc(agents)), MAX_AGENTS, session.vecEnv.numEnvs);
    session.layout = agentLayout(count);
    session.selected = Math.min(session.selected, count - 1);
    this.applyLayout(session);
  }

  async save(): Promise<Record<string, Uint8Array>> {
    const trainer = this.session?.trainer;
    if (!trainer?.checkpoint) throw new Error('the running policy cannot be saved (no trained policy in this run)');
    return trainer.checkpoint();
  }

  select(x: number, y: number): number | undefined {
    const session = this.session;
    if (!session || session.kind !== 'train') return undefined;
    const tile = tileAt(session.layout, x, y);
    if (tile < 0) return undefined;
    session.selected = tile;
    this.applyLayout(session);
    return tile;
  }

  async inspect(): Promise<Selection | undefined> {
    const session = this.session;
    if (!session || session.kind !== 'train') return undefined;
    const agent = session.selected;
    const inspected = await session.trainer?.inspect?.(agent);
    return { agent, ...inspected };
  }

  keyDown(key: PlayKey): void {
    this.held.add(key);
    this.tapped.add(key);
  }

  keyUp(key: PlayKey): void {
    this.held.delete(key);
  }

  private context(): GpuContext {
    if (!this.ctx || !this.stage) throw new Error('the GPU worker is not initialised');
    if (this.lost) throw new Error('the GPU device was lost; restart the page');
    return this.ctx;
  }

  private open(kind: Session['kind'], vecEnv: GpuVecEnv, layout: AgentLayout): Session {
    const env = getEnv(vecEnv.spec.id);
    const frames = new AgentFrames(this.ctx!, env, vecEnv, CANVAS_WIDTH, CANVAS_HEIGHT, MAX_AGENTS + 1);
    const session: Session = { kind, vecEnv, frames, layout, selected: 0, stopped: false, paused: false };
    this.session = session;
    this.applyLayout(session);
    return session;
  }

  private applyLayout(session: Session): void {
    const views: View[] = session.layout.tiles.map((tile, agent) => ({ agent, x: tile.x, y: tile.y, size: tile.size }));
    const focus = session.layout.focus;
    if (focus) views.push({ agent: session.selected, x: focus.x, y: focus.y, size: focus.size });
    session.frames.setViews(views);
    this.stage!.show(session.frames.texture, session.layout);
    this.stage!.select(session.kind === 'train' ? session.selected : -1);
    this.draw(session, true);
  }

  private lastFrame = 0;

  /** Encodes the frame pass and lets PixiJS draw the sprites; at most ~30 times a second. */
  private draw(session: Session, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastFrame < FRAME_INTERVAL_MS) return;
    if (this.lost || session.stopped) return;
    this.lastFrame = now;
    const encoder = this.ctx!.device.createCommandEncoder({ label: 'agent frames' });
    session.frames.encode(encoder);
    this.ctx!.device.queue.submit([encoder.finish()]);
    const stage = this.stage!;
    if (stage.kind === 'webgpu') {
      stage.render();
      return;
    }
    void session.frames
      .readPixels()
      .then((pixels) => {
        if (!pixels || session.stopped) return;
        stage.upload(pixels);
        stage.render();
      })
      .catch((error) => this.fail(error));
  }

  private async trainLoop(session: Session): Promise<void> {
    const trainer = session.trainer!;
    const device = this.ctx!.device;
    let lastStatsAt = 0;
    let statsPending = false;
    let lastSnapshotAt = performance.now();
    let snapshotPending = false;
    let latestSteps = 0;
    let previous = { steps: 0, at: performance.now() };
    let meanReturn = Number.NaN;
    let previousIteration: Promise<unknown> = Promise.resolve();
    const report = (stats: TrainerStats, at: number) => {
      latestSteps = stats.steps;
      const fresh = Number.isFinite(stats.meanReturn);
      if (fresh) meanReturn = stats.meanReturn;
      const stepsPerSec = at > previous.at ? ((stats.steps - previous.steps) * 1000) / (at - previous.at) : 0;
      previous = { steps: stats.steps, at };
      const live: LiveStats = { mode: 'train', steps: stats.steps, stepsPerSec, episodes: stats.episodes, meanReturn, freshReturn: fresh };
      if (!session.stopped) this.events?.stats(live);
    };
    try {
      while (!session.stopped && !this.lost) {
        if (session.paused) {
          await new Promise<void>((resolve) => (session.wake = resolve));
          session.wake = undefined;
          previous = { steps: previous.steps, at: performance.now() };
          continue;
        }
        trainer.iterate();
        this.draw(session);
        // At most two iterations queued: the GPU never idles waiting for the CPU to encode.
        const done = device.queue.onSubmittedWorkDone();
        await previousIteration;
        previousIteration = done;
        const now = performance.now();
        if (!statsPending && now - lastStatsAt >= STATS_INTERVAL_MS) {
          lastStatsAt = now;
          statsPending = true;
          trainer
            .stats()
            .then((stats) => report(stats, performance.now()))
            .catch((error) => this.fail(error))
            .finally(() => (statsPending = false));
        }
        if (trainer.checkpoint && !snapshotPending && now - lastSnapshotAt >= SNAPSHOT_INTERVAL_MS) {
          lastSnapshotAt = now;
          snapshotPending = true;
          const steps = latestSteps;
          trainer
            .checkpoint()
            .then((files) => {
              if (!session.stopped) this.events?.snapshot(files, steps);
            })
            .catch((error) => this.fail(error))
            .finally(() => (snapshotPending = false));
        }
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private deviceLost(message: string): void {
    this.lost = true;
    if (this.session) this.session.stopped = true;
    this.events?.deviceLost(message);
  }

  private fail(error: unknown): void {
    if (this.lost) return;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`wgym worker: ${message}`);
    this.events?.error(message);
  }

  /** For tests: behave as if the device had been lost. */
  simulateDeviceLoss(): void {
    this.deviceLost('wgym: the GPU device was lost (simulated for a test)');
  }
}

Comlink.expose(new GpuOwner());
