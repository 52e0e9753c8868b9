// The matmul core for GPUs (interface in matmul.wgsl). Along k the product advances K_STEP at a
// time: the workgroup copies the slices A[tile rows, k..k+K_STEP) and B[k..k+K_STEP, tile columns)
// into workgroup memory, then each invocation multiplies from there, so a value read from device
// memory serves the whole tile and a value read from workgroup memory feeds 4 multiply-adds.
//
// On SwiftShader this takes up to 3 times as long as matmul_direct.wgsl: every barrier switches
// between the workgroup's 4-invocation groups, and workgroup-memory reads are no cheaper than
// device-memory ones there.

const K_STEP: u32 = 16u;

// Slices stored k-major with 4 consecutive rows of A (columns of B) per vec4, the unit the inner
// loop reads: a_slice[k · WG_M + i] holds A[tile_m + 4i .. tile_m + 4i + 3, k0 + k].
var<workgroup> a_slice: array<vec4<f32>, K_STEP * WG_M>;
var<workgroup> b_slice: array<vec4<f32>, K_STEP * WG_N>;

// Neighbouring invocations take neighbouring k, the contiguous direction of most operands here.
fn stage_slices(tile_m: u32, tile_n: u32, k0: u32, local_index: u32) {
  for (var item = local_index; item < K_STEP * WG_M; item += WG_M * WG_N) {
    let k = item % K_STEP;
    let quad = item / K_STEP;
    let m = tile_m + 4u * quad;
    a_slice[k * WG_M + quad] = vec4<f32>(load_a(m, k0 + k), load_a(m + 1u, k0 + k), load_a(m + 2u, k0 + k), load_a(m + 3u, k0 + k));
  }
  for (var item = local_index; item < K_STEP * WG_N; item += WG_M * WG_N) {
    let k = item % K_STEP;
    let quad = item / K_STEP;
    let n = tile_n + 4u * quad;
    b_slice[k * WG_N + quad] = vec4<f32>(load_b(k0 + k, n), load_b(k0 + k, n + 1u), load_b(k0 + k, n + 2u), load_b(k0 + k, n + 3u));
  }
}

// Every invocation of the workgroup must call this with the same arguments but local_index, since
// it has barriers. The steps start at k_begin, so a caller that splits k must split at multiples
// of K_STEP (or every split but the last would read into the next one).
fn multiply_tile(tile_m: u32, tile_n: u32, k_begin: u32, k_end: u32, local_index: u32) -> Block {
  let local_m = local_index / WG_N;
  let local_n = local_index % WG_N;
  var block: Block;
  for (var k0 = k_begin; k0 < k_end; k0 += K_STEP) {
    stage_slices(tile_m, tile_n, k0, local_index);
    workgroupBarrier();
    for (var k = 0u; k < K_STEP; k++) {
      let a = a_slice[k * WG_M + local_m];
      let b = b_slice[k * WG_N + local_n];
      block.row0 += a.x * b;
      block.row1 += a.y * b;
      block.row2 += a.z * b;
      block.row3 += a.w * b;
    }
    // The next step overwrites the slices only after everyone has read them.
    workgroupBarrier();
  }
  return block;
}
