#!/usr/bin/python3
"""Run a command and print `wall_s cpu_s maxrss_mb` for it (children's
rusage), so benchmarks measure time and peak memory the same way for ctk and
for the pandas baseline. usage: measure.py CMD ARGS…  (stdout of CMD → /dev/null)"""
import resource
import subprocess
import sys
import time

t = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f %.1f %d" % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, rc))
