#!/bin/sh
# make fuzz: build every fuzz/fuzz_*.c with clang's libFuzzer + ASan/UBSan and
# run each for FUZZ_SECONDS (default 60), seeded from ../shared/data and the
# repo's samples. A crash, leak or timeout fails the target; the input is kept
# in build/fuzz/ for a regression test.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-60}
out=$root/build/fuzz
mkdir -p "$out"
cflags="-g -O1 -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -I$root -fsanitize=fuzzer,address,undefined $(pkg-config --cflags sqlite3 libcjson libcurl cairo)"
libs="$(pkg-config --libs sqlite3 libcjson libcurl cairo) -lcsv -ldl -lm -lpthread"
srcs="$(ls "$root"/common/*.c) $root/build/gen/schema_sql.c $(ls "$root"/analyze/*.c | grep -v '/main.c$')"
fail=0
for f in "$root"/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	clang $cflags -o "$out/$name" "$f" $srcs $libs
	corpus=$out/corpus-$name
	mkdir -p "$corpus"
	case $name in
	fuzz_import)
		for s in "$root"/samples/demo/*.csv "$root"/../shared/data/training-profile-gpu-traces/*.csv; do
			[ -f "$s" ] && head -c 4096 "$s" > "$corpus/$(basename "$s")"
		done ;;
	fuzz_time)
		printf '2025/07/26 23:32:09.703' > "$corpus/a"; printf '2023-03-14T00:30Z' > "$corpus/b"
		printf '1753572729.703' > "$corpus/c"; printf '2025-07-27T01:32:09+02:00' > "$corpus/d" ;;
	esac
	echo "== $name ($secs s)"
	if ! (cd "$out" && "./$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 "$corpus" 2>"$out/$name.log"); then
		echo "FAIL $name: see $out/$name.log"; tail -n 30 "$out/$name.log"; fail=1
	else
		grep -E '^#[0-9]+.*(DONE|pulse)' "$out/$name.log" | tail -n 1
	fi
done
exit $fail
