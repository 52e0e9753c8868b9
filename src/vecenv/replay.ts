import type { RecordedDraw } from '../fixtures/read.ts';

/** Layout of replay_buf in shaders/rng_replay.wgsl. */
const HEADER_WORDS = 8;
const DRAW_WORDS = 4;
const ReplayErrorCode = { ok: 0, wrongKind: 1, wrongBounds: 2, exhausted: 3 } as const;

/** Each env's recorded draws (reset's, then every step's, in order) packed for the GPU. */
export function packReplay(drawsPerEnv: readonly (readonly RecordedDraw[])[]): Uint32Array<ArrayBuffer> {
  const total = drawsPerEnv.reduce((sum, draws) => sum + draws.length, 0);
  const words = new Uint32Array(drawsPerEnv.length * HEADER_WORDS + total * DRAW_WORDS);
  const asFloat = new Float32Array(words.buffer);
  const asInt = new Int32Array(words.buffer);
  let next = drawsPerEnv.length * HEADER_WORDS;
  drawsPerEnv.forEach((draws, env) => {
    words[env * HEADER_WORDS] = next;
    words[env * HEADER_WORDS + 1] = draws.length;
    for (const draw of draws) {
      if (draw[0] === 'u') {
        words[next] = 0;
        asFloat[next + 1] = draw[1];
      } else {
        words[next] = 1;
        asInt[next + 1] = draw[1];
        asInt[next + 2] = draw[2];
        asInt[next + 3] = draw[3];
      }
      next += DRAW_WORDS;
    }
  });
  return words;
}

export interface ReplayStatus {
  /** Draws served so far. */
  cursor: number;
  /** Why the replay stopped, with what the game asked for; undefined while all is well. */
  error?: string;
}

/** Reads the headers back: each env's cursor and, after a bad request, what it was. */
export function replayStatus(words: Uint32Array, numEnvs: number): ReplayStatus[] {
  const asInt = new Int32Array(words.buffer, words.byteOffset, words.length);
  return Array.from({ length: numEnvs }, (_, env) => {
    const h = env * HEADER_WORDS;
    const cursor = words[h + 2];
    const code = words[h + 3];
    if (code === ReplayErrorCode.ok) return { cursor };
    const requested = words[h + 4] === 0 ? 'uniform' : `int(${asInt[h + 5]}, ${asInt[h + 6]})`;
    const reason = code === ReplayErrorCode.exhausted ? 'no recorded draw left' : code === ReplayErrorCode.wrongKind ? 'a different kind of draw recorded' : 'other bounds recorded';
    return { cursor, error: `requested ${requested} at draw ${cursor}: ${reason}` };
  });
}

export const REPLAY_HEADER_BYTES = HEADER_WORDS * 4;
