# `ctk import auto` on every real file of the tracker formats in $CTK_DATA:
# the sniffers pick the right importer and say which.
. "$CTK_ROOT/tests/e2e/lib.sh"
D=$CTK_DATA
check() { # check PATH FORMAT
	ctk import auto "$1" --db auto.db > /dev/null 2> err.txt; rc=$?
	is "auto $(basename "$1"): exit 0" $rc 0
	is "auto $(basename "$1"): chose $2" "$(grep -c "format $2\$" err.txt)" 1
}
check "$D/codecarbon/examples_emissions.csv" codecarbon
check "$D/codecarbon/test_emissions_valid_headers.csv" codecarbon
check "$D/zeus/profile_data_V100+resnet50+gpu0.csv" zeus
for g in a40 p100 rtx6000 v100; do check "$D/zeus/nsdi23_summary_power_$g.csv" zeus-summary; done
check "$D/carbontracker-logs/8gpu" carbontracker
check "$CTK_ROOT/tests/data/eco2ai/emission.csv" eco2ai
check "$CTK_ROOT/tests/data/eit/impacttracker/data.json" eit
check "$CTK_ROOT/tests/data/powerjoular/powerjoular.csv" powerjoular
ctk import auto "$D/zeus/zeus_monitor_sample_power.csv" --db auto.db 2> err.txt; rc=$?
is "auto on an unknown format: exit 2" $rc 2
ok "help lists the new formats" sh -c 'ctk import --help | grep -q "zeus-summary" && ctk import --help | grep -q powerjoular'
done_testing
