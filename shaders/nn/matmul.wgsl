// What the two matmul cores share. A dense-layer kernel computes a product C = A·B, one workgroup
// of WG_M × WG_N invocations per (4·WG_M) × (4·WG_N) tile of C, each invocation a 4 × 4 block of it,
// by composing this module, one core and its own definitions of how to read and write the matrices:
//   fn load_a(m: u32, k: u32) -> f32          A[m, k], 0 outside A
//   fn load_b(k: u32, n: u32) -> f32          B[k, n], 0 outside B
//   fn store_c(m: u32, n: u32, value: f32)    called for every element of the tile; skips those outside C
// Reading zeros outside the matrices lets every size work with whole tiles and no branch in the
// inner loop, which matters on SwiftShader: it runs both sides of a branch for every 4 invocations.
//
// A core provides
//   fn multiply_tile(tile_m: u32, tile_n: u32, k_begin: u32, k_end: u32, local_index: u32) -> Block
// returning the invocation's block of Σ_{k_begin ≤ k < k_end} A[m, k] · B[k, n] in the tile whose
// first row and column are tile_m and tile_n; k_end may run past A's width (the loads give zeros).
// matmul_tiled.wgsl stages slices of A and B in workgroup memory, as suits GPUs; matmul_direct.wgsl
// reads them from device memory with no barrier, as suits SwiftShader (see matmulCoreFor in dense.ts).

// Invocations along m and along n; the host picks them per matrix shape (tileShape in dense.ts).
override WG_M: u32 = 8u;
override WG_N: u32 = 8u;

// An invocation's 4 × 4 block of C: row r holds C[m0 + r, n0 .. n0 + 3]. Four named vec4s rather
// than an array: SwiftShader spills function-scope arrays that are indexed in a loop to memory.
struct Block {
  row0: vec4<f32>,
  row1: vec4<f32>,
  row2: vec4<f32>,
  row3: vec4<f32>,
}

// The first row and column, in C, of the invocation's block.
fn block_origin(tile_m: u32, tile_n: u32, local_index: u32) -> vec2<u32> {
  return vec2<u32>(tile_m + 4u * (local_index / WG_N), tile_n + 4u * (local_index % WG_N));
}

fn store_row(m: u32, n: u32, row: vec4<f32>) {
  store_c(m, n, row.x);
  store_c(m, n + 1u, row.y);
  store_c(m, n + 2u, row.z);
  store_c(m, n + 3u, row.w);
}

// Writes the block that multiply_tile returned through store_c.
fn store_block(block: Block, tile_m: u32, tile_n: u32, local_index: u32) {
  let origin = block_origin(tile_m, tile_n, local_index);
  store_row(origin.x, origin.y, block.row0);
  store_row(origin.x + 1u, origin.y, block.row1);
  store_row(origin.x + 2u, origin.y, block.row2);
  store_row(origin.x + 3u, origin.y, block.row3);
}
