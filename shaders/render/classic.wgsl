// Shared by the classic-control frames (with views.wgsl and one env module): state access,
// world coordinates of a pixel, and signed distances of the shapes the envs are drawn with.
// The env module provides fn draw(agent: u32, p: vec2f, px: f32) -> vec3f, p in world units
// (y up) and px the world size of one pixel, for one-pixel-wide edges.

override STATE_WORDS: u32;

fn state(agent: u32, word: u32) -> f32 {
  return bitcast<f32>(source[agent * STATE_WORDS + word]);
}

fn shade(agent: u32, pixel: vec2u, size: u32) -> vec3f {
  let uv = (vec2f(pixel) + 0.5) / f32(size);
  let p = (scene.pixel_to_world * vec3f(uv, 1.0)).xy;
  let px = length((scene.pixel_to_world * vec3f(1.0 / f32(size), 0.0, 0.0)).xy);
  return draw(agent, p, px);
}

// Distance from p to the segment a–b, minus a half thickness (negative inside).
fn sd_segment(p: vec2f, a: vec2f, b: vec2f, half_width: f32) -> f32 {
  let ab = b - a;
  let t = clamp(dot(p - a, ab) / max(dot(ab, ab), 1e-12), 0.0, 1.0);
  return length(p - a - t * ab) - half_width;
}

fn sd_circle(p: vec2f, centre: vec2f, radius: f32) -> f32 {
  return length(p - centre) - radius;
}

// An axis-aligned box in the frame given by centre and the unit vector `axis` of its local x.
fn sd_box(p: vec2f, centre: vec2f, axis: vec2f, half_size: vec2f) -> f32 {
  let d = p - centre;
  let local = vec2f(dot(d, axis), dot(d, vec2f(-axis.y, axis.x)));
  let q = abs(local) - half_size;
  return length(max(q, vec2f(0.0))) + min(max(q.x, q.y), 0.0);
}

// Paints `rgb` over `under` where the distance is ≤ 0, with a one-pixel soft edge.
fn paint(under: vec3f, rgb: vec3f, distance: f32, px: f32) -> vec3f {
  return mix(under, rgb, clamp(0.5 - distance / px, 0.0, 1.0));
}
