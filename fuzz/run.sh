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
# -fno-sanitize-recover: a UBSan report stops the target, so it fails the run (issue 14)
cflags="-g -O1 -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -I$root -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(pkg-config --cflags sqlite3 libcjson libcurl cairo)"
libs="$(pkg-config --libs sqlite3 libcjson libcurl cairo) -lcsv -ldl -lm -lpthread"
srcs="$(ls "$root"/common/*.c) $root/build/gen/schema_sql.c $(ls "$root"/analyze/*/*.c) $root/collector/markers.c"
data=$root/../shared/data
# FUZZ_TARGETS="fuzz_json fuzz_markers": only these
fail=0
for f in "$root"/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $name "*) ;; *) continue ;; esac
	fi
	clang $cflags -o "$out/$name" "$f" $srcs $libs
	corpus=$out/corpus-$name
	mkdir -p "$corpus"
	case $name in
	fuzz_import)
		for s in "$root"/samples/demo/*.csv "$root"/../shared/data/training-profile-gpu-traces/*.csv \
			"$root"/tests/data/powerjoular/*.csv "$root"/tests/data/eco2ai/*.csv "$data"/zeus/profile_data_*.csv \
			"$data"/codecarbon/*.csv; do
			[ -f "$s" ] && head -c 4096 "$s" > "$corpus/$(basename "$s")"
		done
		# nvidia-smi --format=csv,nounits; Ada 'Image PowerJoular dates (issue 14)
		printf 'timestamp, name, power.draw [W]\n2025/12/10 17:40:10.000, A, 60.00\n2025/12/10 17:40:10.001, B, 70.00\n' > "$corpus/nounits.csv"
		printf 'Date,CPU Utilization,Total Power,CPU Power,GPU Power\n 2024- 12- 3  12: 8: 3. 126,0.1,2.5,1.5,1.0\n' > "$corpus/pj-ada.csv"
		# issue 14, rest: powermetrics text, eit data.json, non-UTF-8 text, a long
		# multibyte name, a NUL byte, 1e16 W, a hex float, eco2AI epochs with gaps
		for s in "$root"/tests/data/powermetrics/*.txt "$root"/tests/data/eit/impacttracker/data.json \
			"$root"/tests/data/prometheus/*.json; do
			[ -f "$s" ] && head -c 4096 "$s" > "$corpus/$(basename "$s")"
		done
		printf 'timestamp,project_name,run_id,duration,emissions,energy_consumed,cpu_power,cpu_energy,cpu_model\n2024-05-31T10:39:13,p,r1,10,0.001,0.0001,4.5,0.0001,Intel\256 Xeon\n' > "$corpus/cc-cp1252.csv"
		printf 'timestamp, name, index, power.draw [W]\n2025/12/10 17:40:10.000, %s, 0, 18.00 W\n' "$(printf '\303\251%.0s' $(seq 1 300))" > "$corpus/smi-longname.csv"
		printf 'timestamp, index, power.draw [W]\n2025/12/10 17:40:10.000, 0, 1\0008.00 W\n2025/12/10 17:40:11.000, 0, 1e16 W\n2025/12/10 17:40:12.000, 0, 0x1p4 W\n' > "$corpus/smi-hostile.csv"
		printf 'id,project_name,experiment_description,epoch,start_time,duration(s),power_consumption(kWh),CO2_emissions(kg),CPU_name,GPU_name,OS,region/country,cost\na,p,d,"epoch: 1, ",2023-03-01 10:00:00,60,0.001,0.0004,c,g,L,DE,N/A\na,p,d,"epoch: 2, ",2023-03-01 10:01:05,60,0.002,0.0008,c,g,L,DE,N/A\n' > "$corpus/eco2ai-gaps.csv" ;;
	fuzz_time)
		printf '2025/07/26 23:32:09.703' > "$corpus/a"; printf '2023-03-14T00:30Z' > "$corpus/b"
		printf '1753572729.703' > "$corpus/c"; printf '2025-07-27T01:32:09+02:00' > "$corpus/d"
		printf '9999-12-31T00:30Z' > "$corpus/e" ;;
	fuzz_intensity)
		for s in "$data"/electricitymaps/*.csv "$data"/watttime-vessim/*.csv "$root"/tests/data/eds-*.json \
			"$root"/tests/data/electricitymap-export/*.csv; do
			[ -f "$s" ] && head -c 4096 "$s" > "$corpus/$(basename "$s")"
		done
		for s in "$data"/electricitymaps/*.json "$data"/uk-carbon-intensity-api/nmpowell-national-pt24h/*.json; do
			[ -f "$s" ] && head -c 65536 "$s" > "$corpus/$(basename "$s")"
		done
		for s in "$root"/tests/data/fuzz/intensity/*; do [ -f "$s" ] && cp "$s" "$corpus/"; done ;;
	fuzz_json)
		for s in "$data"/electricitymaps/*.json "$data"/uk-carbon-intensity-api/nmpowell-national-pt24h/*.json; do
			[ -f "$s" ] && head -c 65536 "$s" > "$corpus/$(basename "$s")"
		done
		printf '{"components":{"gpu":{"count":4},"cpu":{"count":2}}}' > "$corpus/ct-config"
		for s in "$root"/tests/data/fuzz/json/*; do [ -f "$s" ] && cp "$s" "$corpus/"; done
		printf '{"gpu":"Simulated","gpus":2,"interval_ms":20,"rounds":10,"markers_rejected":0}' > "$corpus/collect-config" ;;
	fuzz_markers)
		printf 'epoch-start\nepoch-end items=32\n' > "$corpus/a"
		printf 'begin warmup\nepoch-start 3\nend warmup items=4\nepoch-end 3\n' > "$corpus/b"
		printf 'begin a\nbegin b\nend a\nepoch-start 1\nepoch-start 2\nend b items=1\n' > "$corpus/c" ;;
	esac
	echo "== $name ($secs s)"
	if ! (cd "$out" && "./$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 "$corpus" 2>"$out/$name.log"); then
		echo "FAIL $name: see $out/$name.log"; tail -n 30 "$out/$name.log"; fail=1
	else
		grep -E '^#[0-9]+.*(DONE|pulse)' "$out/$name.log" | tail -n 1
	fi
done
exit $fail
