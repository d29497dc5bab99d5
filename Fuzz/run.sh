#!/usr/bin/env bash
# Fuzzes ConsentKit's decoders with libFuzzer for a bounded time (default 60 s per target):
#
#     bash Fuzz/run.sh [SECONDS] [TARGET...]
#
# Targets: `token` (Fuzz/TokenFuzzer.swift: the consent token decoder, corpus Fuzz/Corpus), `ledger`
# (Fuzz/LedgerFuzzer.swift: the JSON parser, JSON Lines ledgers, policies, and records through the privacy
# views, corpus Fuzz/LedgerCorpus) and `accesslog` (Fuzz/AccessLogFuzzer.swift: the access log's verifier, checkpoint
# notes and question files, corpus Fuzz/AccessLogCorpus); all three when none is named. Each fuzzer is compiled with the library's sources (ConsentCore, ConsentInterchange, ConsentTokens,
# ConsentStorage) into one module, so it can reach internals, with -sanitize=fuzzer,address: the imports between
# those modules are dropped from a copy of the sources, as they name what is then one module.
# New inputs it finds go to its corpus — commit interesting ones.
# Exits non-zero on a crash, a hang (over 2 s for one input), a sanitizer report or a broken invariant.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(token ledger accesslog)
mkdir -p .build/fuzz
sources=.build/fuzz/sources
rm -rf "$sources" && mkdir -p "$sources"
for module in ConsentCore ConsentInterchange ConsentTokens ConsentStorage; do
    find "Sources/$module" -name '*.swift' | while read -r file; do
        sed -E '/^(@_exported )?(public |package |internal )?import (ConsentCore|ConsentInterchange|ConsentTokens|ConsentStorage)$/d' \
            "$file" > "$sources/$module-$(basename "$file")"
    done
done
for target in "${targets[@]}"; do
    case "$target" in
    token) source=Fuzz/TokenFuzzer.swift corpus=Fuzz/Corpus max_len=4096 ;;
    ledger) source=Fuzz/LedgerFuzzer.swift corpus=Fuzz/LedgerCorpus max_len=8192 ;;
    accesslog) source=Fuzz/AccessLogFuzzer.swift corpus=Fuzz/AccessLogCorpus max_len=16384 ;;
    *) echo "unknown fuzz target \`$target\` (token, ledger or accesslog)" >&2; exit 2 ;;
    esac
    mkdir -p "$corpus"
    swiftc -O -sanitize=fuzzer,address -parse-as-library -swift-version 6 -module-name ConsentKit \
        -package-name consentkit \
        -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility \
        -enable-upcoming-feature InternalImportsByDefault \
        "$sources"/*.swift "$source" \
        -o ".build/fuzz/$target-fuzzer" 2> >(grep -v "Cannot export local symbol" >&2)
    echo "==> fuzzing $target for $seconds s ($corpus)"
    ".build/fuzz/$target-fuzzer" "$corpus" -max_total_time="$seconds" -timeout=2 -max_len="$max_len" \
        -print_final_stats=1
done
