#!/usr/bin/env bash
# Fuzzes the consent token decoder with libFuzzer for a bounded time (default 60 s):
#
#     bash Fuzz/run.sh [SECONDS]
#
# The fuzzer is compiled with the ConsentKit sources into one module (so it can reach the decoder below the
# signature check) with -sanitize=fuzzer,address. New inputs it finds go to Fuzz/Corpus/ — commit interesting ones.
# Exits non-zero on a crash, a hang (over 2 s for one input), a sanitizer report or a broken invariant.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
mkdir -p .build/fuzz Fuzz/Corpus
swiftc -O -sanitize=fuzzer,address -parse-as-library -swift-version 6 -module-name ConsentKit \
    -package-name consentkit \
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility \
    -enable-upcoming-feature InternalImportsByDefault \
    $(find Sources/ConsentKit -name '*.swift') Fuzz/TokenFuzzer.swift \
    -o .build/fuzz/token-fuzzer 2> >(grep -v "Cannot export local symbol" >&2)
.build/fuzz/token-fuzzer Fuzz/Corpus -max_total_time="$seconds" -timeout=2 -max_len=4096 \
    -print_final_stats=1
