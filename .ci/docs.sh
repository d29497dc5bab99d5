#!/usr/bin/env bash
# Builds the ConsentKit DocC archive with the toolchain's docc (no plugin), warnings as errors, so broken symbol
# links and undocumented parameters fail CI.
#
# `ConsentKit` is an umbrella that re-exports ConsentCore, ConsentInterchange, ConsentTokens and ConsentStorage, so
# its symbol graph is extracted with their symbols included: the one catalog documents the whole library, as users
# see it through `import ConsentKit`.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --target ConsentKit >/dev/null
modules="$(swift build --show-bin-path)/Modules"
graphs=.build/docs-symbols
rm -rf "$graphs" && mkdir -p "$graphs" .build/docs
# The target's triple is the first "triple" that `swift -print-target-info` prints.
triple=$(swift -print-target-info | sed -n 's/^ *"triple": "\(.*\)",*$/\1/p' | head -1)
sdk=()
if [ "$(uname)" = Darwin ]; then sdk=(-sdk "$(xcrun --show-sdk-path)"); fi
swift-symbolgraph-extract -module-name ConsentKit -I "$modules" -target "$triple" ${sdk[@]+"${sdk[@]}"} \
    -output-dir "$graphs" -minimum-access-level public \
    -experimental-allowed-reexported-modules=ConsentCore,ConsentInterchange,ConsentTokens,ConsentStorage
docc convert Sources/ConsentKit/ConsentKit.docc --additional-symbol-graph-dir "$graphs" --warnings-as-errors \
    --output-path .build/docs/ConsentKit.doccarchive
