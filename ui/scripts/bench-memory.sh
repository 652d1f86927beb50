#!/usr/bin/env bash
# Resident memory of the desktop till after a 100-line sale, window and
# all: demo books with 100 more products, the till under Xvfb, the codes
# typed by xdotool as a wedge scanner types them; prints VmRSS and VmHWM.
#   ui/scripts/bench-memory.sh      (needs: apt-get install xvfb xdotool)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p kassa-ui --bin kassa-till -p kassa --bin kassa
work="$(mktemp -d)"
trap 'kill "${till_pid:-}" "${xvfb_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
ean13() { # 12 digits -> 13 with the check digit
    local d="$1" sum=0 i
    for i in $(seq 0 11); do
        local n="${d:$i:1}"
        if (( i % 2 == 0 )); then sum=$((sum + n)); else sum=$((sum + 3 * n)); fi
    done
    echo "$d$(( (10 - sum % 10) % 10 ))"
}
codes=()
for i in $(seq 0 99); do
    code="$(ean13 "$((460999000000 + i))")"
    codes+=("$code")
    printf '{"type":"product","sku":"M%03d","name":"Товар %d","price":"%d.90","vat":"vat22","unit":"pcs","barcodes":["%s"]}\n' \
        "$i" "$i" "$((10 + i))" "$code" >>"$work/products.jsonl"
done
target/release/kassa --db "$work/till.db" init --demo >/dev/null
target/release/kassa --db "$work/till.db" --employee E4 --pin 4444 import "$work/products.jsonl" >/dev/null
export DISPLAY=:94
Xvfb "$DISPLAY" -screen 0 1024x768x24 -nolisten tcp &
xvfb_pid=$!
sleep 1
ICED_BACKEND=tiny-skia target/release/kassa-till --db "$work/till.db" &
till_pid=$!
for _ in $(seq 100); do xdotool search --pid "$till_pid" >/dev/null 2>&1 && break; sleep 0.2; done
window="$(xdotool search --pid "$till_pid" | head -1)"
xdotool windowactivate --sync "$window" 2>/dev/null || xdotool windowfocus "$window"
sleep 1
xdotool type --delay 120 E1; xdotool key Tab; xdotool type --delay 120 1111; xdotool key Return; sleep 1
xdotool key Return; sleep 1
for code in "${codes[@]}"; do
    xdotool type --delay 3 "$code"; xdotool key --delay 3 Return
done
sleep 2
grep -E 'VmRSS|VmHWM' "/proc/$till_pid/status"
import -window root "${1:-/tmp/bench-memory.png}" 2>/dev/null && echo "screenshot: ${1:-/tmp/bench-memory.png}"
