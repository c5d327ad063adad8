# A failed first import leaves no store behind ("nothing half-written"): an
# import, intensity import or intensity default --store that fails into a
# path with no file leaves no file there (nor -wal/-shm); a failed import
# into an existing store leaves it byte-for-byte unchanged.
. "$CTK_ROOT/tests/e2e/lib.sh"
TITAN=$CTK_DATA/training-profile-gpu-traces/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv
printf 'garbage\n1,2\n' >bad.csv

ctk import nvidia-smi bad.csv --db a.db >/dev/null 2>err.txt
ok "import of a bad file: non-zero exit" test $? -ne 0
ok "import of a bad file: no store left" test ! -e a.db -a ! -e a.db-wal -a ! -e a.db-shm
ctk import nvidia-smi missing.csv --db b.db >/dev/null 2>&1
ok "import of a missing file: no store left" test ! -e b.db
ctk import nvidia-smi "$TITAN" --db c.db --run 7 >/dev/null 2>&1
ok "import into an unknown run of a new store: no store left" test ! -e c.db
ctk intensity import --db d.db --zone DE bad.csv >/dev/null 2>&1
ok "intensity import of a bad file: non-zero exit" test $? -ne 0
ok "intensity import of a bad file: no store left" test ! -e d.db -a ! -e d.db-wal

ctk import nvidia-smi "$TITAN" --db good.db >/dev/null 2>&1
before=$(sha256sum good.db | cut -d' ' -f1)
ctk import nvidia-smi bad.csv --db good.db >/dev/null 2>&1
ok "import of a bad file into an existing store: non-zero exit" test $? -ne 0
ok "the existing store is kept" test -e good.db
is "the existing store is unchanged" "$(sha256sum good.db | cut -d' ' -f1)" "$before"
done_testing
