#!/usr/bin/python3
"""What a user would write instead of ctk: pandas read_csv + numpy trapezoid
per GPU on an nvidia-smi CSV. Prints the energy per GPU in J."""
import sys

import numpy as np
import pandas as pd

df = pd.read_csv(sys.argv[1], skipinitialspace=True)
df["t"] = pd.to_datetime(df["timestamp"], format="%Y/%m/%d %H:%M:%S.%f").astype("int64") / 1e9
df["p"] = df["power.draw [W]"].str.rstrip(" W").astype(float)
for gpu, g in df.groupby("index"):
    print(gpu, np.trapz(g["p"].to_numpy(), g["t"].to_numpy()))
