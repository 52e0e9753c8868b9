// Agent frames for the browser demo, drawn straight from a VecEnv's GPU buffers into one RGBA
// atlas texture (no readback): one invocation per pixel of one view, one view per gid.z.
// A view is a square of `size` pixels at (x0, y0) in the atlas showing env `agent`.
// The module composed after this one provides
//   fn shade(agent: u32, pixel: vec2u, size: u32) -> vec3f   (pixel within the view, y down)
// reading `source` (packed observations or state words) and `palette` (RGB in 0..1, by index).

struct View {
  agent: u32,
  x0: u32,
  y0: u32,
  size: u32,
}

// Pixel (centre) of a unit view to world coordinates, built with gl-matrix (src/web/render/).
struct Scene {
  pixel_to_world: mat3x3f,
}

@group(0) @binding(0) var<storage, read> views: array<View>;
@group(0) @binding(1) var<storage, read> source: array<u32>;
@group(0) @binding(2) var<storage, read> palette: array<vec4f>;
@group(0) @binding(3) var atlas: texture_storage_2d<rgba8unorm, write>;
@group(0) @binding(4) var<uniform> scene: Scene;

@compute @workgroup_size(8, 8, 1)
fn draw_views(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.z >= arrayLength(&views)) {
    return;
  }
  let view = views[gid.z];
  if (gid.x >= view.size || gid.y >= view.size) {
    return;
  }
  let rgb = shade(view.agent, gid.xy, view.size);
  textureStore(atlas, vec2u(view.x0 + gid.x, view.y0 + gid.y), vec4f(rgb, 1.0));
}

fn colour(index: u32) -> vec3f {
  return palette[index].rgb;
}
