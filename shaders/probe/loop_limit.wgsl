// How many loop iterations one invocation gets through, up to ITERATIONS. Mesa's llvmpipe (Dawn's
// OpenGL ES backend on a machine without a GPU) ends an invocation's loops after 65,535 iterations
// in all, without an error (LP_MAX_TGSI_LOOP_ITERATIONS in Mesa's gallivm), so a kernel that loops
// longer returns results cut short. src/gpu/loop-limit.ts reads the count.

override ITERATIONS: u32;

// [0]: the count written; [1]: 1, the increment, read from memory so no compiler folds the loop.
@group(0) @binding(0) var<storage, read_write> probe: array<u32, 2>;

@compute @workgroup_size(1)
fn count_iterations() {
  let increment = probe[1];
  var count = 0u;
  for (var k = 0u; k < ITERATIONS; k++) {
    count += increment;
  }
  probe[0] = count;
}
