// A random permutation of 0 … n − 1 as a function, so that minibatches are drawn without a sort or a
// stored index buffer: a bijection on BITS-bit integers (2^BITS ≥ n) made of rounds of add-a-key,
// multiply-by-an-odd-key and xor-shift (each invertible modulo 2^BITS), applied again while the
// result is ≥ n ("cycle walking": it stays a bijection on 0 … n − 1). Keys come from Philox.
// src/train/shuffle.ts is its TypeScript twin.

const STREAM_SHUFFLE: u32 = 4u;
const SHUFFLE_ROUNDS: u32 = 3u;

struct Shuffle {
  n: u32,
  bits: u32,
  keys: array<u32, 6>,
}

fn shuffle_new(seed: u32, epoch: u32, n: u32) -> Shuffle {
  let a = philox4x32(vec4<u32>(epoch, 0u, 0u, 0u), vec2<u32>(seed, STREAM_SHUFFLE));
  let b = philox4x32(vec4<u32>(epoch, 1u, 0u, 0u), vec2<u32>(seed, STREAM_SHUFFLE));
  var bits = 1u;
  while ((1u << bits) < n) {
    bits++;
  }
  return Shuffle(n, bits, array<u32, 6>(a.x, a.y, a.z, a.w, b.x, b.y));
}

fn shuffle_apply(shuffle: Shuffle, index: u32) -> u32 {
  let mask = (1u << shuffle.bits) - 1u;
  let shift = (shuffle.bits + 1u) / 2u;
  var y = index;
  loop {
    for (var r = 0u; r < SHUFFLE_ROUNDS; r++) {
      y = (y + shuffle.keys[2u * r]) & mask;
      y = (y * (shuffle.keys[2u * r + 1u] | 1u)) & mask;
      y ^= y >> shift;
    }
    if (y < shuffle.n) {
      break;
    }
  }
  return y;
}
