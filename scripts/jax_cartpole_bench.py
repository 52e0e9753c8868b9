"""Same-GPU baseline for `wgym bench`: CartPole written the gymnax way (a pure step function over a
small state, vmapped over envs, lax.scan over steps, random actions, reset on termination) in JAX.
Not gymnax itself (it cannot be installed on the lent machine); the dynamics are the classic
CartPole-v1 ones that wgym's classic/cartpole and gymnax share.

usage: python3 scripts/jax_cartpole_bench.py [--envs 4096,65536,262144] [--steps 1000] [--repetitions 5]
Prints one JSON object: the JAX device and, per env count, the median env steps/s.
"""
import argparse
import json
import statistics
import time

import jax
import jax.numpy as jnp

GRAVITY, MASS_CART, MASS_POLE, HALF_LENGTH = 9.8, 1.0, 0.1, 0.5
FORCE_MAG, TAU = 10.0, 0.02
THETA_LIMIT, X_LIMIT, MAX_STEPS = 12 * 2 * jnp.pi / 360, 2.4, 500
TOTAL_MASS = MASS_CART + MASS_POLE
POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH


def reset(key):
    return jax.random.uniform(key, (4,), minval=-0.05, maxval=0.05), jnp.int32(0)


def step(key, physics, t, action):
    x, x_dot, theta, theta_dot = physics
    force = jnp.where(action == 1, FORCE_MAG, -FORCE_MAG)
    cos, sin = jnp.cos(theta), jnp.sin(theta)
    temp = (force + POLE_MASS_LENGTH * theta_dot**2 * sin) / TOTAL_MASS
    theta_acc = (GRAVITY * sin - cos * temp) / (
        HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cos**2 / TOTAL_MASS)
    )
    x_acc = temp - POLE_MASS_LENGTH * theta_acc * cos / TOTAL_MASS
    physics = jnp.stack([x + TAU * x_dot, x_dot + TAU * x_acc, theta + TAU * theta_dot,
                         theta_dot + TAU * theta_acc])
    t = t + 1
    done = (jnp.abs(physics[0]) > X_LIMIT) | (jnp.abs(physics[2]) > THETA_LIMIT) | (t >= MAX_STEPS)
    fresh_physics, fresh_t = reset(key)
    physics = jnp.where(done, fresh_physics, physics)
    t = jnp.where(done, fresh_t, t)
    return physics, t, done


def make_rollout(num_envs, num_steps):
    batched_step = jax.vmap(step)

    def body(carry, _):
        key, physics, t = carry
        key, action_key, reset_key = jax.random.split(key, 3)
        actions = jax.random.bernoulli(action_key, 0.5, (num_envs,)).astype(jnp.int32)
        physics, t, done = batched_step(jax.random.split(reset_key, num_envs), physics, t, actions)
        return (key, physics, t), done.sum()

    @jax.jit
    def rollout(key):
        physics, t = jax.vmap(reset)(jax.random.split(key, num_envs))
        _, dones = jax.lax.scan(body, (key, physics, t), None, length=num_steps)
        return dones.sum()

    return rollout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--envs", default="4096,65536,262144")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for num_envs in (int(n) for n in args.envs.split(",")):
        rollout = make_rollout(num_envs, args.steps)
        rollout(jax.random.PRNGKey(0)).block_until_ready()  # compile
        seconds = []
        for repetition in range(args.repetitions):
            start = time.perf_counter()
            rollout(jax.random.PRNGKey(repetition + 1)).block_until_ready()
            seconds.append(time.perf_counter() - start)
        rows.append({"numEnvs": num_envs,
                     "stepsPerSec": num_envs * args.steps / statistics.median(seconds)})
    print(json.dumps({"device": str(jax.devices()[0]), "env": "cartpole (JAX, gymnax-style)",
                      "stepsPerEnv": args.steps, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
