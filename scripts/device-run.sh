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
step cartpole
rm -rf /tmp/wgym-runs/cartpole
timeout -s INT ${CARTPOLE_SECONDS:-150} "${wgym[@]}" train --env classic/cartpole --algo ppo --seed 1 --total-steps ${CARTPOLE_STEPS:-500000} --out /tmp/wgym-runs/cartpole --json > "$out/cartpole.json" 2> "$out/cartpole.err"
echo "cartpole rc=$?"; cat "$out/cartpole.json"
cp /tmp/wgym-runs/cartpole/metrics.jsonl "$out/cartpole_metrics.jsonl" 2>/dev/null
step breakout
rm -rf /tmp/wgym-runs/breakout
timeout -s INT ${BREAKOUT_SECONDS:-180} "${wgym[@]}" train --env minatar/breakout --algo ppo --seed 1 \
  --total-steps ${BREAKOUT_STEPS:-10000000} --out /tmp/wgym-runs/breakout --json > "$out/breakout.json" 2> "$out/breakout.err"
echo "breakout rc=$?"; cat "$out/breakout.json"
cp /tmp/wgym-runs/breakout/metrics.jsonl "$out/breakout_metrics.jsonl" 2>/dev/null
step done
