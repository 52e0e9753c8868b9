// The policy-value network as the program of stages in program.wgsl, run on rows of scratch in
// the train buffer: the observation as floats at 0, then each stage's output after its activation at
// stage.output_at, each vector padded with a 1 (which carries the bias) and zeros to a multiple of 4.
// These networks are small (CartPole's two 64-64 torsos are 9k parameters): one invocation computing
// whole rows keeps the work of a step in one dispatch, where a kernel per layer would pay a dispatch
// per layer per step.
//
// Two arrangements of the scratch. The rollout runs one env per invocation (few envs must still
// spread over invocations), a row's floats consecutive, so one vec4 load of the row serves four
// inputs and one of the packed weights four outputs. The update kernels run four samples per
// invocation ("a quad"), their floats interleaved (float j of sample q at 4·j + q), so each weight
// load serves four samples and each activation load eight outputs. On SwiftShader, where loading a
// float from a storage buffer costs what tens of multiply-adds do, this cuts the floats loaded per
// multiply-add from 2 to 5/4 (rollout) and 3/8 (update).
// The update kernels keep a second area of the same shape with the loss's gradient with respect to
// each stage's pre-activation output (dz).
// Composed after layout.wgsl and program.wgsl.

// Floats of one observation (the network's input width), and its words in the train buffer.
override INPUT_SIZE: u32;
override OBS_WORDS_IN: u32;
// 0: the observation words are f32; C > 0: packed MinAtar bits of C channels (src/vecenv/observation.ts).
override OBS_BIT_CHANNELS: u32 = 0u;
// Floats of scratch per row (a multiple of 4).
override ACT_STRIDE: u32;
override NUM_LOGITS: u32;
override LOGITS_AT: u32;
override HAS_VALUE: bool;
override VALUE_AT: u32 = 0u;

// The stage table, then pack.wgsl's arrangement of the parameters.
@group(1) @binding(1) var<storage, read> weights: array<vec4<f32>>;
// Vec4 v of the invocation's run's packed weights (a seed grid, layout.wgsl).
fn weight4(v: u32) -> vec4<f32> {
  return weights[seed_run() * PACKED_VEC4S + v];
}

// Float k of that vec4: one float loaded where weight4(v)[k] loads four (SwiftShader gathers each
// float of a load at a computed index).
fn weight(v: u32, k: u32) -> f32 {
  return weights[seed_run() * PACKED_VEC4S + v][k];
}

fn stage(s: u32) -> Stage {
  return decode_stage(bitcast<vec4<u32>>(weight4(4u * s)), bitcast<vec4<u32>>(weight4(4u * s + 1u)), bitcast<vec4<u32>>(weight4(4u * s + 2u)), bitcast<vec4<u32>>(weight4(4u * s + 3u)));
}

fn activate(x: vec4<f32>, kind: u32) -> vec4<f32> {
  // SwiftShader's tanh returns NaN beyond |x| ≈ 89; tanh(±10) already rounds to ±1.
  return select(select(x, max(x, vec4(0.0)), kind == ACT_RELU), tanh(clamp(x, vec4(-10.0), vec4(10.0))), kind == ACT_TANH);
}

// act′ from the output y = act(x): relu′ = [y > 0], tanh′ = 1 − y².
fn activation_slope(y: vec4<f32>, kind: u32) -> vec4<f32> {
  return select(select(vec4(1.0), select(vec4(0.0), vec4(1.0), y > vec4(0.0)), kind == ACT_RELU), 1.0 - y * y, kind == ACT_TANH);
}

// Σ_j x_j · [W | b]ᵀ[j][o4 + k] for k < 4 over the observation's set bits j and its 1 (the bias):
// a packed-bits input layer as sparse as the observation (a few dozen of Breakout's 400 bits are
// set), where the dense loop would load every weight; sixteen outputs per pass, since every pass
// loads and decodes the words again. The words are the observation's (src/vecenv/observation.ts).
fn sparse_input_layer(st: Stage, words_at: u32, o4: u32) -> array<vec4<f32>, 4> {
  let output_blocks = blocks_of(st.outputs);
  let channels = max(OBS_BIT_CHANNELS, 1u);
  let b = input_layer_blocks(st, o4);
  let bias = INPUT_SIZE * output_blocks;
  var y0 = weight4(b.x + bias);
  var y1 = weight4(b.y + bias);
  var y2 = weight4(b.z + bias);
  var y3 = weight4(b.w + bias);
  for (var c = 0u; c < channels; c++) {
    for (var w = 0u; w < 4u; w++) {
      var bits = load_w(words_at + c * 4u + w);
      while (bits != 0u) {
        let row = ((32u * w + countTrailingZeros(bits)) * channels + c) * output_blocks;
        bits &= bits - 1u;
        y0 += weight4(b.x + row);
        y1 += weight4(b.y + row);
        y2 += weight4(b.z + row);
        y3 += weight4(b.w + row);
      }
    }
  }
  return array(y0, y1, y2, y3);
}

// The vec4s of the packed [W | b]ᵀ that hold outputs 4·o4 … 4·o4 + 15 of an input layer, blocks past
// the last repeating it.
fn input_layer_blocks(st: Stage, o4: u32) -> vec4<u32> {
  return st.forward + min(vec4(o4) + vec4(0u, 1u, 2u, 3u), vec4(blocks_of(st.outputs) - 1u));
}

fn is_sparse_input_layer(st: Stage) -> bool {
  return OBS_BIT_CHANNELS > 0u && st.input_stage < 0;
}

// --- A conv stage (program.wgsl) on one row's output vector, element e at float base + e · stride:
// stride 1 in a row's own scratch, 4 for one row of a quad. ---

// b[o], column inputs of the packed [W | b]ᵀ.
fn conv_bias(st: Stage, o: u32) -> f32 {
  return weight(st.forward + st.inputs * blocks_of(st.outputs) + o / 4u, o % 4u);
}

// Adds x · W[o][c][ky][kx] for input j = (cell (y, x), channel c) to every output (o, r, col) whose
// patch holds it: r = y − ky, col = x − kx. Unsigned, so a negative r or col wraps past the grid.
fn conv_add_input(st: Stage, base: u32, stride: u32, j: u32, x: f32) {
  let cell = j / st.grid_channels;
  let c = j % st.grid_channels;
  let y = cell / st.grid_width;
  let x_col = cell % st.grid_width;
  let out_h = st.grid_height - 2u;
  let out_w = st.grid_width - 2u;
  let positions = out_h * out_w;
  let output_blocks = blocks_of(st.outputs);
  for (var ky = 0u; ky < 3u; ky++) {
    let r = y - ky;
    for (var kx = 0u; kx < 3u; kx++) {
      let col = x_col - kx;
      if (r >= out_h || col >= out_w) {
        continue;
      }
      let tap = (c * 3u + ky) * 3u + kx;
      let p = r * out_w + col;
      for (var o4 = 0u; o4 < output_blocks; o4++) {
        let w = x * weight4(st.forward + tap * output_blocks + o4);
        for (var lane = 0u; lane < min(4u, st.outputs - 4u * o4); lane++) {
          let e = base + ((4u * o4 + lane) * positions + p) * stride;
          store_f(e, load_f(e) + w[lane]);
        }
      }
    }
  }
}

// The conv's activated output for the observation whose words are at words_at, then the padding's
// 1 and zeros: the bias plus each nonzero input's share, which for packed bits means only the set
// bits (a few dozen of Breakout's 400), as sparse_input_layer.
fn conv_forward(st: Stage, words_at: u32, base: u32, stride: u32) {
  let width = output_width(st);
  let positions = conv_positions(st);
  for (var e = 0u; e < width; e++) {
    store_f(base + e * stride, conv_bias(st, e / positions));
  }
  if (OBS_BIT_CHANNELS > 0u) {
    let channels = max(OBS_BIT_CHANNELS, 1u);
    for (var c = 0u; c < channels; c++) {
      for (var w = 0u; w < 4u; w++) {
        var bits = load_w(words_at + c * 4u + w);
        while (bits != 0u) {
          conv_add_input(st, base, stride, (32u * w + countTrailingZeros(bits)) * channels + c, 1.0);
          bits &= bits - 1u;
        }
      }
    }
  } else {
    for (var j = 0u; j < INPUT_SIZE; j++) {
      let x = load_f(words_at + j);
      if (x != 0.0) {
        conv_add_input(st, base, stride, j, x);
      }
    }
  }
  for (var e = 0u; e < padded_width(width); e++) {
    let at = base + e * stride;
    store_f(at, select(select(0.0, 1.0, e == width), activate(vec4(load_f(at)), st.activation).x, e < width));
  }
}

// Float j of the padded input vector, for an f32 observation (packed bits are read as words).
fn padded_input(words_at: u32, j: u32) -> f32 {
  if (j < INPUT_SIZE) {
    return load_f(words_at + j);
  }
  return select(0.0, 1.0, j == INPUT_SIZE);
}

// --- One row per invocation (the rollout); row4 is the row's first vec4 in the train buffer. ---

fn row_load_input(row4: u32, words_at: u32) {
  // The sparse input layer reads the words themselves.
  if (OBS_BIT_CHANNELS > 0u) {
    return;
  }
  for (var j4 = 0u; j4 < padded_width(INPUT_SIZE) / 4u; j4++) {
    let j = 4u * j4;
    store4(row4 + j4, vec4(padded_input(words_at, j), padded_input(words_at, j + 1u), padded_input(words_at, j + 2u), padded_input(words_at, j + 3u)));
  }
}

// Lists the vec4s of stage st's output (the one with the padding's 1 included) that hold a nonzero,
// as quad_record_live does elements; a dense stage reading them goes through these alone.
fn row_record_live(row4: u32, live: u32, st: Stage) {
  let at = live_list(live, st);
  var count = 0u;
  for (var j4 = 0u; j4 < padded_width(output_width(st)) / 4u; j4++) {
    if (any(load4(row4 + st.output_at / 4u + j4) != vec4(0.0))) {
      store_w(at + 1u + count, j4);
      count++;
    }
  }
  store_w(at, count);
}

// live: the row's area of RO_LIVE_INPUTS.
fn row_forward(row4: u32, words_at: u32, live: u32) {
  for (var s = 0u; s < NUM_STAGES; s++) {
    let st = stage(s);
    if (st.kind == STAGE_CONV) {
      conv_forward(st, words_at, 4u * row4 + st.output_at, 1u);
      if (st.activation == ACT_RELU) {
        row_record_live(row4, live, st);
      }
      continue;
    }
    let output_blocks = blocks_of(st.outputs);
    let x_at = row4 + st.input_at / 4u;
    let y_at = row4 + st.output_at / 4u;
    let sparse = is_sparse_input_layer(st);
    // The padding outputs come out act(0) = 0.
    for (var o4 = 0u; o4 < select(0u, output_blocks, sparse); o4 += 4u) {
      let y = sparse_input_layer(st, words_at, o4);
      for (var k = 0u; k < min(4u, output_blocks - o4); k++) {
        store4(y_at + o4 + k, activate(y[k], st.activation));
      }
    }
    // The input's vec4s, or those with a nonzero (a vec4 of zeros adds exact zeros).
    let listed = reads_live_list(st);
    let list = input_live_list(live, st);
    let terms = select(padded_width(st.inputs) / 4u, load_w(list), listed);
    for (var o4 = 0u; o4 < select(output_blocks, 0u, sparse); o4++) {
      var acc = vec4(0.0);
      for (var t = 0u; t < terms; t++) {
        let j4 = select(t, load_w(list + 1u + t), listed);
        let x = load4(x_at + j4);
        let w = st.forward + 4u * j4 * output_blocks + o4;
        acc += weight4(w) * x.x + weight4(w + output_blocks) * x.y + weight4(w + 2u * output_blocks) * x.z + weight4(w + 3u * output_blocks) * x.w;
      }
      store4(y_at + o4, activate(acc, st.activation));
    }
    // The 1 after the outputs, for the bias of the stages reading them.
    if ((st.outputs & 3u) == 0u) {
      store4(y_at + output_blocks, vec4(1.0, 0.0, 0.0, 0.0));
    } else {
      store_f(4u * row4 + st.output_at + st.outputs, 1.0);
    }
    if (st.activation == ACT_RELU) {
      row_record_live(row4, live, st);
    }
  }
}

fn row_value(row_at: u32) -> f32 {
  if (HAS_VALUE) {
    return load_f(row_at + VALUE_AT);
  }
  return 0.0;
}

// log Σ exp(logits), with the maximum subtracted first.
fn log_normalizer(row_at: u32) -> f32 {
  var m = load_f(row_at + LOGITS_AT);
  for (var k = 1u; k < NUM_LOGITS; k++) {
    m = max(m, load_f(row_at + LOGITS_AT + k));
  }
  var sum = 0.0;
  for (var k = 0u; k < NUM_LOGITS; k++) {
    sum += exp(load_f(row_at + LOGITS_AT + k) - m);
  }
  return m + log(sum);
}

// Inversion, as categoricalSample in src/nn/reference.ts: the smallest a with u < p₀ + … + p_a,
// else the last action with nonzero probability.
fn policy_sample(row_at: u32, log_norm: f32, u: f32) -> u32 {
  var cumulative = 0.0;
  var last = 0u;
  for (var a = 0u; a < NUM_LOGITS; a++) {
    let p = exp(load_f(row_at + LOGITS_AT + a) - log_norm);
    cumulative += p;
    if (u < cumulative) {
      return a;
    }
    if (p > 0.0) {
      last = a;
    }
  }
  return last;
}

// The most probable action (the first of equals).
fn policy_greedy(row_at: u32) -> u32 {
  var best = 0u;
  for (var a = 1u; a < NUM_LOGITS; a++) {
    if (load_f(row_at + LOGITS_AT + a) > load_f(row_at + LOGITS_AT + best)) {
      best = a;
    }
  }
  return best;
}

// --- A Gaussian policy (program.wgsl): log N(a; μ, σ) = −z²/2 − log σ − ½ log 2π with z = (a − μ)/σ,
// entropy ½ + ½ log 2π + log σ, as policyTerms in src/nn/reference.ts. ---

const HALF_LOG_2PI: f32 = 0.918938533204672742;

fn policy_log_std() -> f32 {
  return weight(LOG_STD_PACKED, 0u);
}

fn gaussian_log_prob(z: vec4<f32>, log_std: f32) -> vec4<f32> {
  return -0.5 * z * z - log_std - HALF_LOG_2PI;
}

// A standard normal draw by Box–Muller from two uniforms in [0, 1) (1 − u₁ keeps the log finite).
fn standard_normal(u1: f32, u2: f32) -> f32 {
  return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}

// --- Four rows per invocation (the update kernels); quad is the quad's first vec4, and vector
// element j of its four rows is the vec4 at quad + j. ---

fn quad_load_input(quad: u32, words_at: vec4<u32>) {
  if (OBS_BIT_CHANNELS > 0u) {
    quad_unpack_bits(quad, words_at);
    return;
  }
  for (var j = 0u; j < padded_width(INPUT_SIZE); j++) {
    store4(quad + j, vec4(padded_input(words_at.x, j), padded_input(words_at.y, j), padded_input(words_at.z, j), padded_input(words_at.w, j)));
  }
}

// The four rows' packed bits as floats, each word loaded once: input j is cell k = j / C, channel
// c = j % C ([row][col][channel] order), bit k % 32 of word c · 4 + ⌊k / 32⌋.
fn quad_unpack_bits(quad: u32, words_at: vec4<u32>) {
  let channels = max(OBS_BIT_CHANNELS, 1u);
  let cells = INPUT_SIZE / channels;
  for (var c = 0u; c < channels; c++) {
    for (var w = 0u; 32u * w < cells; w++) {
      let at = c * 4u + w;
      let words = vec4(load_w(words_at.x + at), load_w(words_at.y + at), load_w(words_at.z + at), load_w(words_at.w + at));
      for (var k = 32u * w; k < min(32u * w + 32u, cells); k++) {
        store4(quad + k * channels + c, vec4<f32>((words >> vec4(k & 31u)) & vec4(1u)));
      }
    }
  }
  for (var j = INPUT_SIZE; j < padded_width(INPUT_SIZE); j++) {
    store4(quad + j, vec4(select(0.0, 1.0, j == INPUT_SIZE)));
  }
}

// sparse_input_layer for the four rows of a quad at once, output o4 · 4 + 4·k + m of the rows as
// column m of matrix k: it goes through the bits set in any of the four observations, loading their
// weights once for all four (Breakout's rows share most of their set bits, the bricks).
fn quad_sparse_input_layer(st: Stage, words_at: vec4<u32>, o4: u32) -> array<mat4x4<f32>, 4> {
  let output_blocks = blocks_of(st.outputs);
  let channels = max(OBS_BIT_CHANNELS, 1u);
  let b = input_layer_blocks(st, o4);
  let bias = INPUT_SIZE * output_blocks;
  let w0 = weight4(b.x + bias);
  let w1 = weight4(b.y + bias);
  let w2 = weight4(b.z + bias);
  let w3 = weight4(b.w + bias);
  var y0 = mat4x4(vec4(w0.x), vec4(w0.y), vec4(w0.z), vec4(w0.w));
  var y1 = mat4x4(vec4(w1.x), vec4(w1.y), vec4(w1.z), vec4(w1.w));
  var y2 = mat4x4(vec4(w2.x), vec4(w2.y), vec4(w2.z), vec4(w2.w));
  var y3 = mat4x4(vec4(w3.x), vec4(w3.y), vec4(w3.z), vec4(w3.w));
  for (var c = 0u; c < channels; c++) {
    for (var w = 0u; w < 4u; w++) {
      let at = c * 4u + w;
      let words = vec4(load_w(words_at.x + at), load_w(words_at.y + at), load_w(words_at.z + at), load_w(words_at.w + at));
      var bits = words.x | words.y | words.z | words.w;
      while (bits != 0u) {
        let bit = countTrailingZeros(bits);
        bits &= bits - 1u;
        let row = ((32u * w + bit) * channels + c) * output_blocks;
        let x = vec4<f32>((words >> vec4(bit)) & vec4(1u));
        let v0 = weight4(b.x + row);
        let v1 = weight4(b.y + row);
        let v2 = weight4(b.z + row);
        let v3 = weight4(b.w + row);
        y0 += mat4x4(v0.x * x, v0.y * x, v0.z * x, v0.w * x);
        y1 += mat4x4(v1.x * x, v1.y * x, v1.z * x, v1.w * x);
        y2 += mat4x4(v2.x * x, v2.y * x, v2.z * x, v2.w * x);
        y3 += mat4x4(v3.x * x, v3.y * x, v3.z * x, v3.w * x);
      }
    }
  }
  return array(y0, y1, y2, y3);
}

// --- The live inputs of a quad: after a ReLU stage, most of a sample's outputs are 0 (79% of the
// MinAtar CNN's conv outputs on Breakout), and an input that is 0 in all four samples of a quad adds
// nothing to the next stage's outputs and takes no gradient back (ReLU′ = 0). The forward pass lists
// the others, and the dense stages reading the ReLU stage go through the list: the same sums in the
// same order, fewer terms. On SwiftShader every load at a computed index is a per-lane gather
// whether or not the lanes agree, so following a list costs no more per term than the dense loop. ---

// Where the list of stage st's live outputs starts, in words: its count, then the elements.
fn live_list(live: u32, st: Stage) -> u32 {
  return live + st.output_at;
}

// The list of the live outputs of the stage st reads (reads_live_list): live_list of that stage,
// whose output_at is st.input_at.
fn input_live_list(live: u32, st: Stage) -> u32 {
  return live + st.input_at;
}

fn reads_live_list(st: Stage) -> bool {
  return st.input_stage >= 0 && stage(u32(st.input_stage)).activation == ACT_RELU;
}

// Lists the elements of stage st's output (its padding's 1 included) nonzero in one of the quad's rows.
fn quad_record_live(quad: u32, live: u32, st: Stage) {
  let at = live_list(live, st);
  var count = 0u;
  for (var j = 0u; j <= output_width(st); j++) {
    if (any(load4(quad + st.output_at + j) != vec4(0.0))) {
      store_w(at + 1u + count, j);
      count++;
    }
  }
  store_w(at, count);
}

// live: this quad's area of RO_LIVE_INPUTS, which the forward pass fills for quad_backward.
fn quad_forward(quad: u32, words_at: vec4<u32>, live: u32) {
  for (var s = 0u; s < NUM_STAGES; s++) {
    let st = stage(s);
    if (st.kind == STAGE_CONV) {
      for (var lane = 0u; lane < 4u; lane++) {
        conv_forward(st, words_at[lane], 4u * (quad + st.output_at) + lane, 4u);
      }
      if (st.activation == ACT_RELU) {
        quad_record_live(quad, live, st);
      }
      continue;
    }
    let output_blocks = blocks_of(st.outputs);
    let x_at = quad + st.input_at;
    let y_at = quad + st.output_at;
    let sparse = is_sparse_input_layer(st);
    for (var o4 = 0u; o4 < select(0u, output_blocks, sparse); o4 += 4u) {
      let y = quad_sparse_input_layer(st, words_at, o4);
      for (var k = 0u; k < min(4u, output_blocks - o4); k++) {
        let at = y_at + 4u * (o4 + k);
        store4(at, activate(y[k][0], st.activation));
        store4(at + 1u, activate(y[k][1], st.activation));
        store4(at + 2u, activate(y[k][2], st.activation));
        store4(at + 3u, activate(y[k][3], st.activation));
      }
    }
    // Inputs j = 0 … inputs (the 1 that picks up the bias), or the live ones.
    let listed = reads_live_list(st);
    let list = input_live_list(live, st);
    let terms = select(st.inputs + 1u, load_w(list), listed);
    // Eight outputs at a time: each load of x serves 32 multiply-adds. A lone last block of four
    // is computed twice and stored once.
    for (var o4 = 0u; o4 < select(output_blocks, 0u, sparse); o4 += 2u) {
      let pair = o4 + 1u < output_blocks;
      let p4 = select(o4, o4 + 1u, pair);
      var a = array<vec4<f32>, 8>();
      for (var t = 0u; t < terms; t++) {
        let j = select(t, load_w(list + 1u + t), listed);
        let x = load4(x_at + j);
        let w = weight4(st.forward + j * output_blocks + o4);
        let v = weight4(st.forward + j * output_blocks + p4);
        a[0] += w.x * x;
        a[1] += w.y * x;
        a[2] += w.z * x;
        a[3] += w.w * x;
        a[4] += v.x * x;
        a[5] += v.y * x;
        a[6] += v.z * x;
        a[7] += v.w * x;
      }
      let y = y_at + 4u * o4;
      store4(y, activate(a[0], st.activation));
      store4(y + 1u, activate(a[1], st.activation));
      store4(y + 2u, activate(a[2], st.activation));
      store4(y + 3u, activate(a[3], st.activation));
      if (pair) {
        store4(y + 4u, activate(a[4], st.activation));
        store4(y + 5u, activate(a[5], st.activation));
        store4(y + 6u, activate(a[6], st.activation));
        store4(y + 7u, activate(a[7], st.activation));
      }
    }
    for (var k = st.outputs; k < padded_width(st.outputs); k++) {
      store4(y_at + k, vec4(select(0.0, 1.0, k == st.outputs)));
    }
    if (st.activation == ACT_RELU) {
      quad_record_live(quad, live, st);
    }
  }
}

fn quad_log_normalizer(quad: u32) -> vec4<f32> {
  var m = load4(quad + LOGITS_AT);
  for (var k = 1u; k < NUM_LOGITS; k++) {
    m = max(m, load4(quad + LOGITS_AT + k));
  }
  var sum = vec4(0.0);
  for (var k = 0u; k < NUM_LOGITS; k++) {
    sum += exp(load4(quad + LOGITS_AT + k) - m);
  }
  return m + log(sum);
}

// The entropy −Σ p log p of each row's policy, given quad_log_normalizer.
fn quad_entropy(quad: u32, log_norm: vec4<f32>) -> vec4<f32> {
  var h = vec4(0.0);
  for (var k = 0u; k < NUM_LOGITS; k++) {
    let log_p = load4(quad + LOGITS_AT + k) - log_norm;
    h -= exp(log_p) * log_p;
  }
  return h;
}

// Adds Wᵀ dz into the dz of the live inputs of st (reads_live_list), eight at a time: for each
// output o one load of dz and eight of W from the forward pass's [W | b]ᵀ. The sums are those of
// the dense loop below, term for term; the inputs left out keep the 0 that ReLU′ makes of them anyway.
fn quad_backward_live(st: Stage, dz: u32, live: u32) {
  let list = input_live_list(live, st);
  let count = load_w(list);
  let output_blocks = blocks_of(st.outputs);
  for (var t = 0u; t < count; t += 8u) {
    // The list's last entry is the padding's 1 (the bias), whose dz is not wanted: each list
    // ends with it, so the entries past the end repeat it and none of them is stored.
    var rows = array<u32, 8>();
    var js = array<u32, 8>();
    for (var k = 0u; k < 8u; k++) {
      js[k] = load_w(list + 1u + min(t + k, count - 1u));
      rows[k] = st.forward + js[k] * output_blocks;
    }
    var a = array<vec4<f32>, 8>();
    for (var o = 0u; o < st.outputs; o++) {
      let d = load4(dz + st.output_at + o);
      let o4 = o / 4u;
      let lane = o % 4u;
      a[0] += weight(rows[0] + o4, lane) * d;
      a[1] += weight(rows[1] + o4, lane) * d;
      a[2] += weight(rows[2] + o4, lane) * d;
      a[3] += weight(rows[3] + o4, lane) * d;
      a[4] += weight(rows[4] + o4, lane) * d;
      a[5] += weight(rows[5] + o4, lane) * d;
      a[6] += weight(rows[6] + o4, lane) * d;
      a[7] += weight(rows[7] + o4, lane) * d;
    }
    for (var k = 0u; k < 8u; k++) {
      if (js[k] < st.inputs) {
        let x = dz + st.input_at + js[k];
        store4(x, load4(x) + a[k]);
      }
    }
  }
}

// Each stage's dz from the dz of the outputs (logits and value) already in the quad's dz area:
// stages in reverse (consumers before the stage they read), finishing each stage's dz with act′,
// then adding Wᵀ dz into the dz of the stage it reads (live: as quad_forward's).
fn quad_backward(quad: u32, dz: u32, live: u32) {
  for (var s = NUM_STAGES; s > 0u; s--) {
    let st = stage(s - 1u);
    if (st.activation != ACT_NONE) {
      for (var o = 0u; o < output_width(st); o++) {
        store4(dz + st.output_at + o, load4(dz + st.output_at + o) * activation_slope(load4(quad + st.output_at + o), st.activation));
      }
    }
    if (reads_live_list(st)) {
      quad_backward_live(st, dz, live);
    } else if (st.input_stage >= 0) {
      let input_blocks = blocks_of(st.inputs);
      // Eight inputs at a time, as the forward pass's outputs.
      for (var j4 = 0u; j4 < input_blocks; j4 += 2u) {
        let pair = j4 + 1u < input_blocks;
        let p4 = select(j4, j4 + 1u, pair);
        var a = array<vec4<f32>, 8>();
        for (var o = 0u; o < st.outputs; o++) {
          let d = load4(dz + st.output_at + o);
          let w = weight4(st.backward + o * input_blocks + j4);
          let v = weight4(st.backward + o * input_blocks + p4);
          a[0] += w.x * d;
          a[1] += w.y * d;
          a[2] += w.z * d;
          a[3] += w.w * d;
          a[4] += v.x * d;
          a[5] += v.y * d;
          a[6] += v.z * d;
          a[7] += v.w * d;
        }
        // Padding inputs get 0 added (their packed weights are 0).
        let x = dz + st.input_at + 4u * j4;
        store4(x, load4(x) + a[0]);
        store4(x + 1u, load4(x + 1u) + a[1]);
        store4(x + 2u, load4(x + 2u) + a[2]);
        store4(x + 3u, load4(x + 3u) + a[3]);
        if (pair) {
          store4(x + 4u, load4(x + 4u) + a[4]);
          store4(x + 5u, load4(x + 5u) + a[5]);
          store4(x + 6u, load4(x + 6u) + a[6]);
          store4(x + 7u, load4(x + 7u) + a[7]);
        }
      }
    }
  }
}
