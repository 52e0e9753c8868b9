// Drains the per-env episode sums of shaders/vecenv.wgsl into one small record per seed of the
// VecEnv (VecEnvOptions.seedEnvs) for the host: a workgroup per seed strides over its envs, then
// reduces in shared memory.


struct EpisodeTotals {
  episodes: u32,
  length_sum: u32,
  invalid_actions: u32,
  return_sum: f32,
  return_sq_sum: f32,
  length_sq_sum: f32,
}

const REDUCE_SIZE: u32 = 256u;

@group(0) @binding(0) var<storage, read_write> episode_buf: array<Episode>;
@group(0) @binding(1) var<storage, read_write> totals: array<EpisodeTotals>;

var<workgroup> episodes: array<u32, REDUCE_SIZE>;
var<workgroup> lengths: array<u32, REDUCE_SIZE>;
var<workgroup> invalid: array<u32, REDUCE_SIZE>;
var<workgroup> returns: array<f32, REDUCE_SIZE>;
var<workgroup> returns_sq: array<f32, REDUCE_SIZE>;
var<workgroup> lengths_sq: array<f32, REDUCE_SIZE>;

@compute @workgroup_size(REDUCE_SIZE)
fn drain_episode_stats(
  @builtin(local_invocation_index) lane: u32,
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let envs = arrayLength(&episode_buf) / groups.x;
  var e = 0u;
  var l = 0u;
  var v = 0u;
  var r = 0.0;
  var r2 = 0.0;
  var l2 = 0.0;
  for (var i = group.x * envs + lane; i < (group.x + 1u) * envs; i += REDUCE_SIZE) {
    let ep = episode_buf[i];
    e += ep.episodes;
    l += ep.length_sum;
    v += ep.invalid_actions;
    r += ep.return_sum;
    r2 += ep.return_sq_sum;
    l2 += ep.length_sq_sum;
    episode_buf[i].episodes = 0u;
    episode_buf[i].length_sum = 0u;
    episode_buf[i].invalid_actions = 0u;
    episode_buf[i].return_sum = 0.0;
    episode_buf[i].return_sq_sum = 0.0;
    episode_buf[i].length_sq_sum = 0.0;
  }
  episodes[lane] = e;
  lengths[lane] = l;
  invalid[lane] = v;
  returns[lane] = r;
  returns_sq[lane] = r2;
  lengths_sq[lane] = l2;
  for (var stride = REDUCE_SIZE / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (lane < stride) {
      episodes[lane] += episodes[lane + stride];
      lengths[lane] += lengths[lane + stride];
      invalid[lane] += invalid[lane + stride];
      returns[lane] += returns[lane + stride];
      returns_sq[lane] += returns_sq[lane + stride];
      lengths_sq[lane] += lengths_sq[lane + stride];
    }
  }
  if (lane == 0u) {
    totals[group.x] = EpisodeTotals(episodes[0], lengths[0], invalid[0], returns[0], returns_sq[0], lengths_sq[0]);
  }
}
