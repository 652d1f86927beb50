#!/usr/bin/env bash
# Builds target/debian/kassa-till_<version>_<arch>.deb: the desktop till and
# the kassa command line, with a desktop entry and its icon. Uses dpkg-deb
# (Debian's own packager): no extra cargo tool to build.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked -p kassa-ui --bin kassa-till -p kassa --bin kassa
version="$(cargo metadata --no-deps --format-version 1 | sed -n 's/.*"name":"kassa-ui","version":"\([^"]*\)".*/\1/p')"
arch="$(dpkg --print-architecture)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
install -Dm755 target/release/kassa-till "$root/usr/bin/kassa-till"
install -Dm755 target/release/kassa "$root/usr/bin/kassa"
install -Dm644 ui/packaging/kassa-till.desktop "$root/usr/share/applications/kassa-till.desktop"
install -Dm644 ui/packaging/kassa-till.png "$root/usr/share/icons/hicolor/256x256/apps/kassa-till.png"
install -Dm644 fonts/LICENSE-DejaVu.txt "$root/usr/share/doc/kassa-till/copyright-fonts"
mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: kassa-till
Version: ${version}
Architecture: ${arch}
Maintainer: Kassa developers
Section: misc
Priority: optional
Depends: libc6, libxkbcommon0, libx11-6
Description: Kassa point of sale: the cashier's desktop till
 Keyboard-first till for shops and cafés: sales, returns, cash, shifts,
 the fiscal register (Shtrih-M, or the built-in emulator), scanners.
CONTROL
mkdir -p target/debian
out="target/debian/kassa-till_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$out"
echo "$out"
