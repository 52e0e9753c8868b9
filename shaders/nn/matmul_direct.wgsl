// The matmul core for SwiftShader (interface in matmul.wgsl): each invocation reads its 4 rows of
// A and 4 columns of B straight from device memory, with no workgroup memory and no barrier. On a
// CPU the caches do what workgroup memory does on a GPU, and SwiftShader makes a barrier switch
// between the workgroup's 4-invocation groups. For a 64 → 64 layer on 8,192 rows, this takes a
// third of matmul_tiled.wgsl's time there for the forward product, under half for the input
// gradient, and 0.75 to 1 times for the weight gradient (whose tiled steps are long: 256 rows).

fn multiply_tile(tile_m: u32, tile_n: u32, k_begin: u32, k_end: u32, local_index: u32) -> Block {
  let origin = block_origin(tile_m, tile_n, local_index);
  let m = origin.x;
  let n = origin.y;
  var block: Block;
  for (var k = k_begin; k < k_end; k++) {
    let a = vec4<f32>(load_a(m, k), load_a(m + 1u, k), load_a(m + 2u, k), load_a(m + 3u, k));
    let b = vec4<f32>(load_b(k, n), load_b(k, n + 1u), load_b(k, n + 2u), load_b(k, n + 3u));
    block.row0 += a.x * b;
    block.row1 += a.y * b;
    block.row2 += a.z * b;
    block.row3 += a.w * b;
  }
  return block;
}
