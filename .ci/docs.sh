#!/usr/bin/env bash
# Builds the ConsentKit DocC archive with the toolchain's docc (no plugin), warnings as errors, so broken symbol
# links and undocumented parameters fail CI.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package dump-symbol-graph --minimum-access-level public >/dev/null
graphs=.build/docs-symbols
rm -rf "$graphs" && mkdir -p "$graphs" .build/docs
cp .build/*/symbolgraph/ConsentKit.symbols.json .build/*/symbolgraph/ConsentKit@*.symbols.json "$graphs"/
docc convert Sources/ConsentKit/ConsentKit.docc --additional-symbol-graph-dir "$graphs" --warnings-as-errors \
    --output-path .build/docs/ConsentKit.doccarchive
