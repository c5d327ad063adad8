#!/usr/bin/env python3
# Rebuild data/intensity-yearly.csv (the yearly fallback table bundled with
# ctk) from the real tables in ../shared/data: Ember yearly averages via
# co2.js (CC BY-SA 4.0) and Our World in Data via carbontracker (CC BY 4.0).
# One row per (zone, year); Ember wins where both have a year. Zones are
# ISO 3166-1 alpha-2 (ISO3 → alpha-2 from carbontracker's table); source is
# 'ember' or 'owid' (named in full in data/ATTRIBUTION.md and by ctk).
# Usage: python3 scripts/build-intensity-yearly.py [SHARED_DATA] > data/intensity-yearly.csv
import csv, json, sys

d = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
EMBER = "ember"  # see data/ATTRIBUTION.md
OWID = "owid"
FIRST_YEAR = 2010  # older years do not matter for training runs
a2 = {}
rows = {}
with open(f"{d}/carbontracker/carbon-intensities.csv", newline="") as f:
    for r in csv.DictReader(f):
        if r["alpha-2"] and r["Code"]:
            a2[r["Code"]] = r["alpha-2"]
with open(f"{d}/carbontracker/carbon-intensity-electricity_owid_2022-12.csv", newline="") as f:
    for r in csv.DictReader(f):
        z = a2.get(r["Code"])
        if z and int(r["Year"]) >= FIRST_YEAR:
            rows[(z, int(r["Year"]))] = (r["Carbon intensity of electricity (gCO2/kWh)"], OWID)
with open(f"{d}/carbontracker/carbon-intensities.csv", newline="") as f:
    for r in csv.DictReader(f):
        if r["alpha-2"]:
            rows[(r["alpha-2"], int(r["Year"]))] = (r["Carbon intensity of electricity (gCO2/kWh)"], OWID)
for k, v in json.load(open(f"{d}/co2js/average-intensities.json")).items():
    z = a2.get(v["country_code"])
    if z:
        rows[(z, int(v["year"]))] = (str(v["emissions_intensity_gco2_per_kwh"]), EMBER)
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["zone", "year", "g_per_kwh", "source"])
for (z, y), (g, s) in sorted(rows.items()):
    float(g)  # a number, or fail
    w.writerow([z, y, g, s])
