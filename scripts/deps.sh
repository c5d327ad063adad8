#!/bin/sh
# Install the Debian packages ctk needs to build and test, when missing.
# `deps.sh bench` adds what the benchmarks need. As root: apt-get installs them. Otherwise: print the exact command and fail.
PKGS="gcc make pkg-config libsqlite3-dev libcsv-dev libcjson-dev libcurl4-openssl-dev
libcairo2-dev libfontconfig-dev fonts-dejavu-core libcmocka-dev tzdata python3 poppler-utils sqlite3
texlive-latex-base texlive-latex-recommended texlive-fonts-recommended"
# TeX: tests/latex/compile.sh compiles the report's tables and methods (booktabs, tabularx,
# natbib + plainnat, url, times) the way a paper does; without it that test is skipped
# make bench also compares with pandas + numpy
[ "$1" = bench ] && PKGS="$PKGS python3-pandas python3-numpy"
# make fuzz needs clang's libFuzzer runtime; make check-full needs valgrind
[ "$1" = fuzz ] && PKGS="$PKGS clang libclang-rt-14-dev"
[ "$1" = full ] && PKGS="$PKGS valgrind"
missing=""
for p in $PKGS; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || exit 1
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2 || exit 1
	exit 0
fi
echo "deps: missing Debian packages; run:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
