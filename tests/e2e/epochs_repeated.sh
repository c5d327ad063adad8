# An epoch number seen again never breaks a store (issue 12): a Keras-like
# script whose ModelCheckpoint lines ("Epoch 2: saving model to …") match
# --epoch-regex '^Epoch ([0-9]+)', and which resumes from a checkpoint
# (epoch 2 again). Every window is kept as an attempt; analyze runs (twice);
# the epochs plus the outside part add up to the whole run; the predictions
# take an epoch's attempts together. Expected sums are computed here with
# python3's sqlite3 from the stored per-window energies, not by ctk.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=1
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p sys
cat > fit.sh <<'SH'
fit() { echo "Epoch $1/3"; sleep 0.12; echo "Epoch $1: saving model to ckpt.keras"; sleep 0.04; }
fit 1; fit 2
echo "Restoring model weights from ckpt.keras (resumed at epoch 2)"
fit 2; fit 3
SH
ctk collect --interval 10ms --quiet --db r.db --epochs 3 --epoch-regex '^Epoch ([0-9]+)' -- sh fit.sh > out.txt 2> err.txt
is "collect exits 0" $? 0
is "every window kept: 8" "$(sql r.db "SELECT count(*) FROM windows WHERE kind='epoch'")" 8
is "epoch 2 has attempts 1..4" "$(sql r.db "SELECT group_concat(attempt) FROM (SELECT attempt FROM windows WHERE idx=2 ORDER BY start_ns)")" 1,2,3,4
ctk analyze --db r.db > a1.txt 2>&1
is "analyze exits 0 (was: UNIQUE constraint failed, exit 3)" $? 0
ctk analyze --db r.db --json > a.json 2> a2.err
is "analyze again exits 0" $? 0
ok "analyze JSON follows schemas/analyze.schema.json" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" a.json
ok "the text says the epoch was seen again" grep -q "repeat an epoch number" a1.txt
is "epoch_energy: one row per window" "$(sql r.db 'SELECT count(*) FROM epoch_energy')" 8
# the energy part of "every figure agrees with itself"
ep=$(sql r.db 'SELECT sum(energy_j) FROM epoch_energy')
out=$(sql r.db 'SELECT sum(outside_epochs_j) FROM device_energy')
all=$(sql r.db 'SELECT sum(energy_j) FROM device_energy')
near "store: epochs + outside = whole run" "$(python3 -c "print($ep + $out)")" "$all" 1e-9
near "store: in_epochs_j = sum of every attempt" "$(sql r.db 'SELECT sum(in_epochs_j) FROM device_energy')" "$ep" 1e-9
near "JSON: epochs + outside = whole run" "$(python3 -c "import json; r=json.load(open('a.json'))['runs'][0]; print(sum(e['energy_j'] for e in r['epochs']) + r['outside_epochs_j'])")" "$all" 1e-9
is "JSON: attempts" "$(python3 -c "import json; r=json.load(open('a.json'))['runs'][0]; print(','.join('%d.%d' % (e['idx'], e['attempt']) for e in r['epochs']))")" "1.1,1.2,2.1,2.2,2.3,2.4,3.1,3.2"
# predictions: 3 epochs (not 8), each the sum of its attempts
is "predictions after 1 and 2 of 3 epochs" "$(sql r.db "SELECT group_concat(after_n) FROM (SELECT DISTINCT after_n FROM predictions ORDER BY after_n)")" 1,2
is "planned 3" "$(sql r.db "SELECT DISTINCT planned_epochs FROM predictions")" 3
near "actual energy = every attempt of the 3 epochs" "$(sql r.db "SELECT actual FROM predictions WHERE predictor='ct-mean' AND target='energy' AND after_n=1")" "$ep" 1e-9
near "ct-mean after 1 = 3 x epoch 1 (both attempts)" "$(sql r.db "SELECT value FROM predictions WHERE predictor='ct-mean' AND target='energy' AND after_n=1")" \
	"$(sql r.db 'SELECT 3 * sum(energy_j) FROM epoch_energy WHERE idx = 1')" 1e-9
near "actual duration = sum of the 8 windows" "$(sql r.db "SELECT actual FROM predictions WHERE predictor='ct-mean' AND target='duration' AND after_n=1")" \
	"$(sql r.db "SELECT sum(end_ns - start_ns) / 1e9 FROM windows WHERE kind='epoch'")" 1e-9
ok "report" ctk report --db r.db --out rep
is "report: one epochs row per window" "$(($(wc -l < rep/epochs.csv) - 1))" 8
near "report summary: in epochs + outside = whole run" \
	"$(python3 -c "import csv; r=next(csv.DictReader(open('rep/summary.csv'))); print(float(r['in_epochs_kwh']) + float(r['outside_epochs_kwh']))")" \
	"$(python3 -c "print($all / 3.6e6)")" 1e-6

# ctk import epochs: a number seen again is a new attempt, not an error
printf 'epoch,start_ns,end_ns\n1,%s,%s\n2,%s,%s\n2,%s,%s\n3,%s,%s\n' \
	"$(sql r.db 'SELECT min(start_ns) FROM windows')" "$(sql r.db 'SELECT min(start_ns) + 100000000 FROM windows')" \
	"$(sql r.db 'SELECT min(start_ns) + 100000000 FROM windows')" "$(sql r.db 'SELECT min(start_ns) + 200000000 FROM windows')" \
	"$(sql r.db 'SELECT min(start_ns) + 200000000 FROM windows')" "$(sql r.db 'SELECT min(start_ns) + 300000000 FROM windows')" \
	"$(sql r.db 'SELECT min(start_ns) + 300000000 FROM windows')" "$(sql r.db 'SELECT min(start_ns) + 400000000 FROM windows')" > ep.csv
ok "import epochs with a repeated number (--replace)" ctk import epochs ep.csv --db r.db --run 1 --replace
is "imported attempts" "$(sql r.db "SELECT group_concat(idx || '.' || attempt) FROM (SELECT idx, attempt FROM windows WHERE kind='epoch' ORDER BY start_ns)")" "1.1,2.1,2.2,3.1"
ok "analyze after the import" ctk analyze --db r.db
done_testing
