// CartPole (with views.wgsl, classic.wgsl): state x, x_dot, theta, theta_dot; theta = 0 upright,
// positive leaning right. Palette: 0 background, 1 track and limits, 2 cart, 3 pole, 4 axle.

override HALF_LENGTH: f32;
override X_THRESHOLD: f32;

fn draw(agent: u32, p: vec2f, px: f32) -> vec3f {
  let x = state(agent, 0u);
  let theta = state(agent, 2u);
  var rgb = colour(0u);
  rgb = paint(rgb, colour(1u), abs(p.y + 0.12) - 0.5 * px, px);
  rgb = paint(rgb, colour(1u), sd_segment(p, vec2f(-X_THRESHOLD, -0.12), vec2f(-X_THRESHOLD, 0.15), 0.5 * px), px);
  rgb = paint(rgb, colour(1u), sd_segment(p, vec2f(X_THRESHOLD, -0.12), vec2f(X_THRESHOLD, 0.15), 0.5 * px), px);
  let axle = vec2f(x, 0.05);
  rgb = paint(rgb, colour(2u), sd_box(p, vec2f(x, 0.0), vec2f(1.0, 0.0), vec2f(0.25, 0.12)), px);
  let tip = axle + 2.0 * HALF_LENGTH * vec2f(sin(theta), cos(theta));
  rgb = paint(rgb, colour(3u), sd_segment(p, axle, tip, 0.04), px);
  rgb = paint(rgb, colour(4u), sd_circle(p, axle, 0.045), px);
  return rgb;
}
