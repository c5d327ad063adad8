#!/usr/bin/env python3
"""Build data/zone-names.csv (zone,name): the country name of each ISO 3166-1
alpha-2 zone, for reports ("Germany (DE)"). Names as Our World in Data writes
them (column Entity), from the table carbontracker ships
(carbontracker/data/carbon-intensities.csv; CC BY 4.0, see data/ATTRIBUTION.md).

usage: scripts/build-zone-names.py CARBONTRACKER_CSV > data/zone-names.csv"""
import csv
import sys

names = {}
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    code, name = row["alpha-2"].strip(), row["Entity"].strip()
    if len(code) == 2 and code.isalpha() and name:
        names[code.upper()] = name
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["zone", "name"])
for code in sorted(names):
    w.writerow([code, names[code]])
