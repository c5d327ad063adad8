# Each tool links only the libraries it uses (issue "One number, one rule"):
# the collector sqlite3, cJSON, dl and m, never cairo, curl or libcsv; the
# report never curl; the dispatcher nothing but libc. Read from the ELF
# NEEDED entries (objdump -p; ldd would also list the sanitizer runtimes);
# libdl and libpthread are part of libc since glibc 2.34 (Debian 12).
. "$CTK_ROOT/tests/e2e/lib.sh"

needed() { objdump -p "$CTK_BUILD/bin/$1" | awk '/NEEDED/ {print $2}' | sed 's/\.so.*//' | grep -v '^lib\(asan\|ubsan\|c\|gcc_s\|stdc++\)$' | sort | tr '\n' ' '; }

is "ctk-collect links sqlite3, cjson, dl, m" "$(needed ctk-collect | sed 's/libdl //; s/libpthread //')" "libcjson libm libsqlite3 "
case "$(needed ctk-report)" in *curl*|*libcsv*) r=bad ;; *) r=ok ;; esac
is "ctk-report links neither curl nor libcsv" "$r" ok
case "$(needed ctk-analyze)" in *cairo*|*fontconfig*) r=bad ;; *) r=ok ;; esac
is "ctk-analyze links no cairo" "$r" ok
is "ctk links only libc" "$(needed ctk)" ""
done_testing
