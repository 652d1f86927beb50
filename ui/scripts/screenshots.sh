#!/usr/bin/env bash
# Takes a screenshot of every screen of the desktop till under Xvfb,
# driving it with the keys of spec/till-keys.md, on fresh demo books.
#   ui/scripts/screenshots.sh [OUT_DIR]   (default: target/screenshots)
# Needs: apt-get install xvfb imagemagick xdotool
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-target/screenshots}"
mkdir -p "$out"
cargo build --release -p kassa-ui --bin kassa-till
work="$(mktemp -d)"
trap 'kill "${till_pid:-}" "${xvfb_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1024x768x24 -nolisten tcp &
xvfb_pid=$!
sleep 1
ICED_BACKEND=tiny-skia target/release/kassa-till --db "$work/till.db" ${KASSA_TILL_ARGS:-} &
till_pid=$!
find_window() { xdotool search --pid "$till_pid" 2>/dev/null; }
for _ in $(seq 100); do
    find_window >/dev/null && break
    sleep 0.2
done
window="$(find_window | head -1)"
xdotool windowactivate --sync "$window" 2>/dev/null || xdotool windowfocus "$window"
pause() { sleep "${1:-0.6}"; }
key() { xdotool key --delay 60 "$@"; pause 0.3; }
type() { xdotool type --delay 80 "$1"; pause 0.3; }
shot() { pause; import -window root "$out/$1.png"; echo "$out/$1.png"; }

pause 1.5
shot 01-login
type E1; key Tab; type 1111; shot 02-login-typed
key Return; pause 1; shot 03-shift-open
key F2; type 5000; shot 04-float-form
key Return; shot 05-shift-open-float
key Return; pause 1; shot 06-sale-empty
type 4600010010035; key Return
type 3*4600010010103; key Return
type 0,350*1006; key Return
shot 07-sale-cart
key F1; shot 08-help; key F1
key F7; type 10%; shot 09-discount-form; key Return; shot 10-sale-discount
type Мол; key Return; shot 11-search
key Escape
key F12; shot 12-payment
type 100; key F6; shot 13-payment-card
type 2000; key Return; pause 2; shot 14-payment-done
key Return
key F3; type 500; shot 15-cash-in; key Return
key F4; type 123,456; key Return; shot 16-cash-out-bad-amount; key Escape
key F9; pause 1; shot 17-x-report; key Return
key F8; type S1-T1-00002-0001; key Return; pause 1; shot 18-return-lines
type 1; key Return; shot 19-return-chosen
key F12; pause 2; shot 20-return-done; key Return
key F10; pause 1; shot 21-shift-close
type 1000; shot 22-shift-close-counted
key F2; shot 23-collect-form; key Return; pause 1; shot 24-shift-close-collected
type 0; key Return; pause 2; shot 25-z-report
key Return; shot 26-logged-out
