# The real 2-GPU Titan X nvidia-smi trace of ../shared/data (recorded
# 2025-12-10 17:40) moved to 2023-06-01 10:57, where the bundled Electricity
# Maps DE 2023 hourly series covers it: same readings, same format (the
# tool's own "%Y/%m/%d %H:%M:%S.%f" times), only the dates shifted.
# usage: python3 titanx_2023.py TRACE.csv OUT.csv
import sys
from datetime import datetime

delta = datetime(2023, 6, 1, 10, 57, 0) - datetime(2025, 12, 10, 17, 40, 0)
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    o.write(f.readline())
    for line in f:
        ts, rest = line.split(",", 1)
        d = datetime.strptime(ts, "%Y/%m/%d %H:%M:%S.%f") + delta
        o.write(d.strftime("%Y/%m/%d %H:%M:%S.") + "%03d" % (d.microsecond // 1000) + "," + rest)
