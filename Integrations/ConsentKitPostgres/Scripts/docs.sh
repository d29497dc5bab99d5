#!/usr/bin/env bash
# Builds ConsentKitPostgres's DocC archive with the toolchain's docc (no plugin), warnings as errors, as the root
# package's .ci/docs.sh does for ConsentKit. Writes .build/docs/ConsentKitPostgres.doccarchive.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --target ConsentKitPostgres >/dev/null
modules="$(swift build --show-bin-path)/Modules"
graphs=.build/docs-symbols
rm -rf "$graphs" && mkdir -p "$graphs" .build/docs
triple=$(swift -print-target-info | sed -n 's/^ *"triple": "\(.*\)",*$/\1/p' | head -1)
sdk=()
if [ "$(uname)" = Darwin ]; then sdk=(-sdk "$(xcrun --show-sdk-path)"); fi
# The C modules of the dependencies (swift-atomics' shims, BoringSSL, …): their module maps, by folder.
includes=()
while IFS= read -r map; do includes+=(-I "$(dirname "$map")"); done < <(
    find "$(swift build --show-bin-path)" .build/checkouts -name module.modulemap 2>/dev/null | sort -u)
swift-symbolgraph-extract -module-name ConsentKitPostgres -I "$modules" ${includes[@]+"${includes[@]}"} \
    -target "$triple" ${sdk[@]+"${sdk[@]}"} -output-dir "$graphs" -minimum-access-level public
docc convert Sources/ConsentKitPostgres/ConsentKitPostgres.docc --additional-symbol-graph-dir "$graphs" \
    --warnings-as-errors --output-path .build/docs/ConsentKitPostgres.doccarchive
