# Time sanity (issue 12): nvidia-smi times read with --tz Europe/Copenhagen
# against epochs given as UTC Unix times do not overlap (the file's times
# are 1 h earlier in UTC than the epochs): analyze says so, with the offset
# and the likely cause, instead of 0 J for every epoch without a word. Read
# as UTC, the same trace covers the epochs and nothing is said.
. "$CTK_ROOT/tests/e2e/lib.sh"
TITAN=$CTK_DATA/training-profile-gpu-traces/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv
# the epochs of nvsmi_energy.sh: 17:40:20Z to 17:45:00.25Z (the file runs 17:40:10 to 17:45:54)
printf 'epoch,start_ms,end_ms\n1,1765388420000,1765388500000\n2,1765388500500,1765388600000\n3,1765388600000,1765388700250\n' > epochs.csv
ok "import, read in Copenhagen" ctk import nvidia-smi "$TITAN" --db cph.db --tz Europe/Copenhagen
ok "import epochs" ctk import epochs epochs.csv --db cph.db --run 1
ctk analyze --db cph.db --json > cph.json 2> cph.err
is "analyze exits 0" $? 0
ok "JSON on stdout still parses" python3 -c "import json; json.load(open('cph.json'))"
ok "warned: do not overlap" grep -q "ctk analyze: warning: run 1: the epochs and the readings do not overlap (0%" cph.err
# 16:40:10.592Z (17:40:10.592 in Copenhagen, UTC+1 in December) vs 17:40:20Z: 1 h 0 min 9.408 s
ok "warned: the offset" grep -q "the readings start 1 h 0 min 9 s before the epochs" cph.err
ok "warned: the likely cause and the zone used" grep -q "about 1 h, as when times without a zone are read in another zone: this run's times were read with --tz 'Europe/Copenhagen'" cph.err
is "the epochs' energy is unknown (NULL), not 0" "$(sql cph.db 'SELECT count(*) FROM epoch_energy WHERE energy_j IS NULL')" 6
is "one warning line" "$(grep -c warning cph.err)" 1
ctk analyze --db cph.db > cph.txt 2>/dev/null
is "text: the epochs' totals say NULL, not 0" "$(grep -cE '^  [123] .* NULL +NULL ' cph.txt)" 3

ctk import nvidia-smi "$TITAN" --db utc.db 2>/dev/null >/dev/null
ctk import epochs epochs.csv --db utc.db --run 1 >/dev/null
ctk analyze --db utc.db > utc.txt 2> utc.err
is "read as UTC: analyze exits 0" $? 0
ok "read as UTC: no time warning" sh -c "! grep -q 'overlap' utc.err"
is "read as UTC: every epoch has energy" "$(sql utc.db 'SELECT count(*) FROM epoch_energy WHERE energy_j > 0')" 6

# epochs that run far past the readings: less than half covered
printf 'epoch,start_ms,end_ms\n1,1765388420000,1765388500000\n2,1765388500000,1765389500000\n' > long.csv
ctk import epochs long.csv --db utc.db --run 1 --replace >/dev/null
ctk analyze --db utc.db > /dev/null 2> long.err
# covered: 17:40:20 to 17:45:54.242 = 334.242 s of 1080 s = 31 %
ok "less than half: warned with the share" grep -q "overlap less than half (31%" long.err
done_testing
