// Acrobot (with views.wgsl, classic.wgsl): state theta1, theta2 (link 2 relative to link 1),
// dtheta1, dtheta2; both angles 0 hanging down. The episode ends when the free end rises above
// one link length over the pivot. Palette: 0 background, 1 goal line, 2 link 1, 3 link 2, 4 joints.

override LINK_LENGTH1: f32;

fn draw(agent: u32, p: vec2f, px: f32) -> vec3f {
  let theta1 = state(agent, 0u);
  let theta2 = state(agent, 1u);
  let link = LINK_LENGTH1;
  let pivot = vec2f(0.0, 0.0);
  let elbow = pivot + link * vec2f(sin(theta1), -cos(theta1));
  let hand = elbow + link * vec2f(sin(theta1 + theta2), -cos(theta1 + theta2));
  var rgb = colour(0u);
  rgb = paint(rgb, colour(1u), abs(p.y - link) - 0.5 * px, px);
  rgb = paint(rgb, colour(2u), sd_segment(p, pivot, elbow, 0.08), px);
  rgb = paint(rgb, colour(3u), sd_segment(p, elbow, hand, 0.08), px);
  rgb = paint(rgb, colour(4u), sd_circle(p, pivot, 0.07), px);
  rgb = paint(rgb, colour(4u), sd_circle(p, elbow, 0.07), px);
  return rgb;
}
