#!/bin/bash
# Packs what a lent GPU machine (a Python/CUDA image with no Node) needs to run wgym into .device/
# (git-ignored, about 30 MiB): Node and Dawn xz-compressed, the CLI bundled into one file, and the
# packages of the Vulkan loader and of the GL dispatch libraries that NVIDIA's Vulkan driver loads
# (without them the loader finds no driver: 'Could not get vkCreateInstance … libGLX_nvidia.so.0').
# Then, with the device tool: carry [".device"], command `bash scripts/device-run.sh` (or
# scripts/device-minatar.sh). Re-run after changing the code: the bundle is a snapshot.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .device
mkdir -p .device/bin .device/node_modules/webgpu/dist/linux-x64
# At .device/bin/, the bundle finds the shaders two folders up, as src/gpu/shaders-node.ts does.
npx esbuild src/cli/main.ts --bundle --platform=node --format=esm --target=node20 --external:webgpu \
  --outfile=.device/bin/wgym.mjs --log-level=warning \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .device/node_modules/webgpu/
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > .device/dawn.node.xz
xz -T0 -6 -c "$(command -v node)" > .device/node.xz
(cd .device && apt-get download libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libgles2 libopengl0 2>/dev/null)
du -sh .device
