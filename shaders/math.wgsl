// sin and cos to about one float32 ulp. WGSL only promises an absolute error of 2^-11 for the
// built-ins, and SwiftShader's are off by up to 2e-4, which chaotic dynamics (acrobot) and
// thresholds (cartpole) turn into visible differences from the float64 reference. Cody–Waite
// reduction by π/2 in three parts (exact for |x| < 2^15 · π/2), then the Cephes minimax
// polynomials on [-π/4, π/4].

const PIO2_1: f32 = 1.5703125;
const PIO2_2: f32 = 4.837512969970703125e-4;
const PIO2_3: f32 = 7.54978995489188216e-8;
const TWO_OVER_PI: f32 = 0.636619772367581343;

struct Reduced {
  r: f32,
  quadrant: u32,
}

fn reduce_half_pi(x: f32) -> Reduced {
  let k = round(x * TWO_OVER_PI);
  let r = ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_3;
  return Reduced(r, u32(i32(k) & 3));
}

fn sin_poly(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
}

fn cos_poly(r: f32) -> f32 {
  let z = r * r;
  return 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
}

// Branch-free quadrant selection: these are inlined many times per kernel (acrobot's RK4 calls
// them in every stage), and a switch per call made SwiftShader's compile time explode.
fn accurate_sin(x: f32) -> f32 {
  let red = reduce_half_pi(x);
  let odd = (red.quadrant & 1u) == 1u;
  let value = select(sin_poly(red.r), cos_poly(red.r), odd);
  return select(value, -value, (red.quadrant & 2u) == 2u);
}

fn accurate_cos(x: f32) -> f32 {
  let red = reduce_half_pi(x);
  let odd = (red.quadrant & 1u) == 1u;
  let value = select(cos_poly(red.r), sin_poly(red.r), odd);
  return select(value, -value, ((red.quadrant + 1u) & 2u) == 2u);
}
