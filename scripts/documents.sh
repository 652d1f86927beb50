#!/usr/bin/env bash
# Renders every kind of document from the demo books into a folder (default
# ./documents), one PDF each, and a PNG of every page when pdftoppm is there.
# Usage: scripts/documents.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-documents}"
mkdir -p "$out"
cargo build --quiet --bin kassa
kassa=target/debug/kassa
db="$out/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
"$kassa" --db "$db" init --demo
while read -r kind key; do
    "$kassa" --db "$db" document "$kind" "$key" --out "$out/$kind-$key.pdf"
    if command -v pdftoppm >/dev/null 2>&1; then
        pdftoppm -r 80 -png "$out/$kind-$key.pdf" "$out/$kind-$key"
    fi
    echo "$out/$kind-$key.pdf"
done <<'LIST'
cash-book 2026-11-02
cash-book 2026-11-03
cash-in-order 3
cash-out-order 2
cash-out-order 4
invoice R-101
upd R-101
waybill R-101
waybill SR-1
write-off WO-1
inventory INV-1
sales-report 2026-11
LIST
