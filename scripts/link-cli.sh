#!/bin/sh
# Puts `klog` on your PATH: a symlink in npm's global bin folder (`npm prefix -g`/bin) to the built CLI.
# Node follows the link back here, so the CLI keeps using this checkout's packages.
set -e
cd "$(dirname "$0")/.."
[ -f packages/cli/dist/bin.js ] || npm run setup
bin="$(npm prefix -g)/bin"
mkdir -p "$bin"
chmod +x packages/cli/dist/bin.js
ln -sf "$PWD/packages/cli/dist/bin.js" "$bin/klog"
echo "linked $bin/klog -> $PWD/packages/cli/dist/bin.js"
