#!/bin/bash
# The GPU figures for README's tables, on a lent GPU machine, from what scripts/device-pack.sh put in
# .device/: env steps/s for every env (wgym bench), the same-GPU JAX CartPole baseline
# (scripts/jax_cartpole_bench.py), kernel-by-kernel training profiles (wgym profile), CartPole PPO
# 500k steps and Breakout PPO 10M, each time-boxed so that the whole stays under the device tool's
# 10 minutes (the runs are sent SIGINT, so they save and report how far they got). A smoke test
# first, so that a machine with no adapter costs seconds.
# Results go to $OUT/results.tar.gz (the tool brings back 8 files at most), else /tmp/wgym-device.
set -u
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/wgym-device}
work=/tmp/wgym-results
rm -rf "$work" /tmp/wgym-runs
mkdir -p "$out" "$work" /tmp/wgym-runs
pack() { tar -czf "$out/results.tar.gz" -C "$work" .; }
source scripts/device-setup.sh
step() { echo "== $(date +%T) $*"; }

(nvidia-smi -L; nproc) > "$work/machine.txt" 2>&1
cat "$work/machine.txt"
step smoke
if ! timeout 60 "${wgym[@]}" bench --backend gpu --env classic/cartpole --envs 1024 --steps 100 --repetitions 1; then
  echo "no working adapter; VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"; ldconfig -p | grep -i vulkan; pack; exit 1
fi
# bench NAME ENVS: the GPU env steps/s of those envs at the sizes asked for.
bench() {
  step "bench $1"
  timeout "${BENCH_SECONDS:-60}" "${wgym[@]}" bench --backend gpu --env "$2" --envs "${BENCH_ENVS:-4096,65536,262144}" \
    --repetitions 5 --json > "$work/bench_$1.json" 2> "$work/bench_$1.err"
  echo "bench $1 rc=$?"; cat "$work/bench_$1.json"; pack
}
bench classic classic/cartpole,classic/acrobot,classic/mountain_car,classic/pendulum
bench minatar minatar/asterix,minatar/breakout,minatar/freeway,minatar/seaquest,minatar/space_invaders
step jax
timeout "${JAX_SECONDS:-60}" python3 scripts/jax_cartpole_bench.py --envs "${BENCH_ENVS:-4096,65536,262144}" \
  > "$work/jax_cartpole.json" 2> "$work/jax_cartpole.err"
echo "jax rc=$?"; cat "$work/jax_cartpole.json"; tail -3 "$work/jax_cartpole.err"; pack
# profile NAME ENV [ARGS…]: a training iteration's GPU time kernel by kernel.
profile() {
  step "profile $1"
  timeout 60 "${wgym[@]}" profile --env "$2" "${@:3}" > "$work/profile_$1.txt" 2>&1
  echo "profile $1 rc=$?"; cat "$work/profile_$1.txt"; pack
}
profile cartpole classic/cartpole
profile breakout minatar/breakout
profile breakout_cnn minatar/breakout --config assets/configs/minatar_cnn.json
# A seed grid's cost against one run's (wgym train --seeds).
profile breakout_seeds3 minatar/breakout --seeds 3
profile breakout_cnn_seeds3 minatar/breakout --config assets/configs/minatar_cnn.json --seeds 3
# train NAME ENV SECONDS STEPS: PPO, seed 1, its summary JSON and metrics.
train() {
  step "$1"
  timeout -s INT "$3" "${wgym[@]}" train --env "$2" --algo ppo --seed 1 --total-steps "$4" --out "/tmp/wgym-runs/$1" --json \
    > "$work/$1.json" 2> "$work/$1.err"
  echo "$1 rc=$?"; cat "$work/$1.json"
  cp "/tmp/wgym-runs/$1/metrics.jsonl" "$work/$1_metrics.jsonl" 2>/dev/null; pack
}
train cartpole classic/cartpole "${CARTPOLE_SECONDS:-120}" "${CARTPOLE_STEPS:-500000}"
train breakout minatar/breakout "${BREAKOUT_SECONDS:-180}" "${BREAKOUT_STEPS:-10000000}"
step done
