/** The most the expected time per unit rises after one slower wait. */
const MAX_RISE = 1.25;

/**
 * Sleeps through most of the GPU work a loop has submitted before the loop waits on a readback.
 * While a map or any other GPU promise is pending, Dawn in Node (npm `webgpu`) polls its device
 * from an event loop that never blocks, a core's worth of CPU; on a software adapter that core
 * is taken from the threads doing the GPU's work (a MinAtar training run here: the main thread at
 * 100% of a core, SwiftShader's two worker threads sharing the other). Sleeping costs nothing on a
 * real GPU, as long as it ends before the work does, so the pacer sleeps for a fraction of the
 * time recent batches of work have taken, leaning to the shorter ones.
 */
export class GpuPacer {
  /** Milliseconds of GPU work per unit of submitted work; 0 until one wait has been measured. */
  private perUnit = 0;
  private units = 0;
  private since = 0;

  constructor(
    /** The share of the expected GPU time to sleep through; the rest is waited for. */
    private readonly fraction = 0.85,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Notes one unit of work submitted (an iteration, say); the first since the last wait starts the clock. */
  submitted(): void {
    if (this.units === 0) this.since = this.now();
    this.units += 1;
  }

  /** Sleeps until shortly before the submitted work is expected to end, then runs `read` and learns from how long it took. */
  async wait<T>(read: () => Promise<T>): Promise<T> {
    if (this.units === 0) return read();
    const sleepMs = this.since + this.fraction * this.perUnit * this.units - this.now();
    if (sleepMs >= 1) await this.sleep(sleepMs);
    const result = await read();
    const measured = (this.now() - this.since) / this.units;
    // Falls at once to a shorter time, rises by at most a quarter to a longer one. A sleep that
    // overshoots is measured as its own length and so shrinks the next one by the fraction, a few
    // waits to recover; a stall (the process stopped, the machine suspended) must not set the
    // sleep to its length, from which it would take dozens of overshooting waits to come back.
    this.perUnit = this.perUnit === 0 ? measured : Math.min(measured, this.perUnit * MAX_RISE);
    this.units = 0;
    return result;
  }
}
