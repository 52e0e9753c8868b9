#!/bin/bash
# The GPU figures for README's tables, on a lent GPU machine, from what scripts/device-pack.sh put in
# .device/: env steps/s for every env (wgym bench), CartPole PPO 500k steps and Breakout PPO 10M,
# each time-boxed so that the whole stays under the device tool's 10 minutes (the runs are sent
# SIGINT, so they save and report how far they got).
# Results go to $OUT (the device tool brings them back), else /tmp/wgym-device.
set -u
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/wgym-device}
mkdir -p "$out" /tmp/wgym-runs
xz -dc .device/node.xz > /tmp/wgym-node && chmod +x /tmp/wgym-node
xz -dc .device/dawn.node.xz > .device/node_modules/webgpu/dist/linux-x64/dawn.node
if ! ldconfig -p | grep -q libvulkan.so.1; then
  dpkg -x .device/libvulkan1_*.deb / && ldconfig
fi
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
wgym=(/tmp/wgym-node .device/bin/wgym.mjs)
step() { echo "== $(date +%T) $*"; }

(nvidia-smi -L || true) > "$out/gpu.txt" 2>&1
step bench
timeout ${BENCH_SECONDS:-150} "${wgym[@]}" bench --backend gpu --envs ${BENCH_ENVS:-4096,65536,262144} --repetitions 5 --json \
  > "$out/bench.json" 2> "$out/bench.err"
echo "bench rc=$?"; tail -3 "$out/bench.err"
# train NAME ENV SECONDS STEPS: PPO, seed 1, its summary JSON and metrics into $out.
train() {
  step "$1"
  rm -rf "/tmp/wgym-runs/$1"
  timeout -s INT "$3" "${wgym[@]}" train --env "$2" --algo ppo --seed 1 --total-steps "$4" --out "/tmp/wgym-runs/$1" --json \
    > "$out/$1.json" 2> "$out/$1.err"
  echo "$1 rc=$?"; cat "$out/$1.json"
  cp "/tmp/wgym-runs/$1/metrics.jsonl" "$out/$1_metrics.jsonl" 2>/dev/null
}
train cartpole classic/cartpole "${CARTPOLE_SECONDS:-150}" "${CARTPOLE_STEPS:-500000}"
train breakout minatar/breakout "${BREAKOUT_SECONDS:-180}" "${BREAKOUT_STEPS:-10000000}"
step done
