#!/bin/bash
# MinAtar PPO runs to 10M steps on a lent GPU machine, one after another, from what
# scripts/device-pack.sh put in .device/. Each argument is GAME:SEED or GAME:SEED:CONFIG for a new
# run, CONFIG naming a file of assets/configs without its .json (cnn for minatar_cnn, the MinAtar
# paper's CNN instead of the preset's MLPs), SEED one seed or a range FIRST-LAST trained as one seed
# grid (wgym train --seeds: the seeds side by side in every dispatch, about the time of one run on a
# GPU), or a run folder copied into .device/runs/ here after packing (e.g. one cut short on
# SwiftShader), or a seed grid's folder of run folders, to continue it to 10M. Every run is sent
# SIGINT after RUN_SECONDS (default 150; Breakout with the MLPs took 95 s on an H100), so it saves
# and reports how far it got. Not side by side: four runs at once on one H100 made 9k steps/s each
# against 105k for one alone, as the GPU time-slices between processes. Summaries and the run
# folders (metrics, config, checkpoint: a run cut short can be resumed elsewhere) go to
# $OUT/minatar.tar.gz. With --disable-robustness: the same bits, faster (README, Command line).
# Example: bash scripts/device-minatar.sh asterix:1-3 breakout:1:cnn seaquest:2:ppo_minatar_gymnax_256 .device/runs/freeway_ppo_s1
set -u
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/wgym-device}
work=/tmp/wgym-minatar
rm -rf "$work" /tmp/wgym-runs
mkdir -p "$out" "$work" /tmp/wgym-runs
source scripts/device-setup.sh
for run in "$@"; do
  if [ -d "$run" ]; then
    name=$(basename "$run")
    cp -r "$run" "/tmp/wgym-runs/$name"
    if [ -f "$run/checkpoint.json" ]; then
      how=(--resume "/tmp/wgym-runs/$name")
    else
      how=(--resume /tmp/wgym-runs/"$name"/s*)
    fi
  else
    IFS=: read -r game seed config <<< "$run"
    name=${game}_s${seed}${config:+_$config}
    first=${seed%-*}
    last=${seed#*-}
    how=(--env "minatar/$game" --algo ppo --seed "$first" --seeds $((last - first + 1)) --out "/tmp/wgym-runs/$name")
    [ "$config" = cnn ] && config=minatar_cnn
    [ -n "$config" ] && how+=(--config "assets/configs/$config.json")
  fi
  timeout -s INT "${RUN_SECONDS:-150}" "${wgym[@]}" train "${how[@]}" --total-steps 10000000 --disable-robustness --json \
    > "$work/$name.json" 2> "$work/$name.err"
  echo "$name: $(cat "$work/$name.json")"
  cp -r "/tmp/wgym-runs/$name" "$work/"; tar -czf "$out/minatar.tar.gz" -C "$work" .
done
