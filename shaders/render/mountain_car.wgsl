// MountainCar (with views.wgsl, classic.wgsl): state position, velocity; the track is
// y = 0.45 sin(3x) + 0.55 as in Gymnasium. Palette: 0 sky, 1 ground, 2 car, 3 flag, 4 wheels.

override MIN_POSITION: f32;
override MAX_POSITION: f32;
override GOAL_POSITION: f32;

fn height(x: f32) -> f32 {
  return 0.45 * sin(3.0 * x) + 0.55;
}

fn draw(agent: u32, p: vec2f, px: f32) -> vec3f {
  let position = state(agent, 0u);
  var rgb = colour(0u);
  let in_track = p.x >= MIN_POSITION && p.x <= MAX_POSITION;
  if (in_track && p.y <= height(p.x)) {
    rgb = colour(1u);
  }
  let flag_base = vec2f(GOAL_POSITION, height(GOAL_POSITION));
  rgb = paint(rgb, colour(3u), sd_segment(p, flag_base, flag_base + vec2f(0.0, 0.2), 0.5 * px), px);
  rgb = paint(rgb, colour(3u), sd_box(p, flag_base + vec2f(0.05, 0.17), vec2f(1.0, 0.0), vec2f(0.05, 0.03)), px);
  let slope = 1.35 * cos(3.0 * position);
  let along = normalize(vec2f(1.0, slope));
  let up = vec2f(-along.y, along.x);
  let ground = vec2f(position, height(position));
  rgb = paint(rgb, colour(2u), sd_box(p, ground + 0.07 * up, along, vec2f(0.09, 0.04)), px);
  rgb = paint(rgb, colour(4u), sd_circle(p, ground + 0.03 * up - 0.05 * along, 0.025), px);
  rgb = paint(rgb, colour(4u), sd_circle(p, ground + 0.03 * up + 0.05 * along, 0.025), px);
  return rgb;
}
