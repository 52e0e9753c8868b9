# Sourced by scripts/device-run.sh and device-minatar.sh on a lent GPU machine: unpacks what
# scripts/device-pack.sh put in .device/ (Node, Dawn, the Vulkan loader and the GL dispatch
# libraries NVIDIA's Vulkan driver loads), points the loader at NVIDIA's driver and sets `wgym`.
xz -dc .device/node.xz > /tmp/wgym-node && chmod +x /tmp/wgym-node
xz -dc .device/dawn.node.xz > .device/node_modules/webgpu/dist/linux-x64/dawn.node
if ! ldconfig -p | grep -q libGLdispatch.so.0 || ! ldconfig -p | grep -q libvulkan.so.1; then
  for deb in .device/*.deb; do dpkg -x "$deb" /; done; ldconfig
fi
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
wgym=(/tmp/wgym-node .device/bin/wgym.mjs)
