// Pendulum (with views.wgsl, classic.wgsl): state th, thdot; th = 0 upright, drawn turning
// counterclockwise with th as Gymnasium draws it. Palette: 0 background, 1 upright mark, 2 rod, 3 pivot.

override LENGTH: f32;

fn draw(agent: u32, p: vec2f, px: f32) -> vec3f {
  let th = state(agent, 0u);
  let tip = LENGTH * vec2f(-sin(th), cos(th));
  var rgb = colour(0u);
  rgb = paint(rgb, colour(1u), sd_segment(p, vec2f(0.0, 0.0), vec2f(0.0, 1.15 * LENGTH), 0.5 * px), px);
  rgb = paint(rgb, colour(2u), sd_segment(p, vec2f(0.0, 0.0), tip, 0.1 * LENGTH), px);
  rgb = paint(rgb, colour(3u), sd_circle(p, vec2f(0.0, 0.0), 0.05 * LENGTH), px);
  return rgb;
}
