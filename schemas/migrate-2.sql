-- ctk store, schema version 1 -> 2 (this round's additions).
-- A new store is schema.sql followed by this file; an existing version-1
-- store gets only this file, in the same transaction that sets
-- user_version = 2. Add statements below (CREATE TABLE, ALTER TABLE ADD
-- COLUMN), each with a comment naming what it is for; never edit schema.sql's
-- version-1 tables, so that old and new stores end up alike.
CREATE TABLE schema_notes (   -- one row per schema version: what it added
  version INTEGER PRIMARY KEY,
  note    TEXT NOT NULL
);
INSERT INTO schema_notes VALUES (2, 'version 2: this round''s tables and columns (schemas/migrate-2.sql)');

-- predict (issue 15): whole-run predictions and calibrated intervals.
-- predictions (the epochs' totals) gains the energy the prediction rests on
-- (observed: the first after_n epochs, J) and the split-conformal interval
-- [cal_lo, cal_hi] of nominal coverage coverage_nominal (common/predict.c
-- ctk_predict_calib; energy only; NULL when there is no constant).
ALTER TABLE predictions ADD COLUMN observed REAL;
ALTER TABLE predictions ADD COLUMN cal_lo REAL;
ALTER TABLE predictions ADD COLUMN cal_hi REAL;
-- The whole run's energy (J, devices summed) predicted after after_n epochs:
-- value = observed_j (everything up to the end of epoch after_n, outside
-- epochs included) + epochs_rest_j (the epochs to come) + outside_rest_j (the
-- gaps between epochs to come and the tail, expected like the observed gaps;
-- NULL when none was observed yet: then taken as 0). [lo, hi]: the
-- split-conformal interval (NULL without a constant), [t_lo, t_hi]: the t
-- intervals of both parts combined. actual: the run's measured total
-- (run_energy), rel_err = (value - actual) / actual.
CREATE TABLE run_predictions (
  run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  after_n    INTEGER NOT NULL,
  predictor  TEXT NOT NULL,
  target     TEXT NOT NULL DEFAULT 'energy' CHECK (target IN ('energy')),
  value      REAL,
  lo         REAL,
  hi         REAL,
  t_lo       REAL,
  t_hi       REAL,
  actual     REAL,
  rel_err    REAL,
  coverage_nominal REAL,
  planned_epochs   INTEGER,
  used_epochs      INTEGER,
  observed_j       REAL,
  epochs_rest_j    REAL,
  outside_rest_j   REAL,
  PRIMARY KEY (run_id, after_n, predictor, target)
);
-- Every trigger that drops a run's predictions drops these with them.
CREATE TRIGGER predictions_del_run AFTER DELETE ON predictions BEGIN
  DELETE FROM run_predictions WHERE run_id = OLD.run_id;
END;
-- uncertainty (issue 15): a worst-case bound beside every energy and CO2
-- figure (common/uncertainty.h: counter resolution, interpolation at edges,
-- sampling x power variability, power resolution, lag shift, gaps x power
-- bound); the true value lies within +- the bound; sums add their bounds, so
-- a run's energy bound is the sum of its devices' device_energy.energy_u_j.
-- CO2 bounds are the energy's relative bound; the carbon intensity's own
-- uncertainty is not included. gap_s: time without readings at most 2
-- sampling periods apart, counted in the bound. NULL where the figure is NULL.
ALTER TABLE epoch_energy ADD COLUMN energy_u_j REAL;
ALTER TABLE epoch_energy ADD COLUMN gap_s REAL;
ALTER TABLE device_energy ADD COLUMN energy_u_j REAL;
ALTER TABLE device_energy ADD COLUMN in_epochs_u_j REAL;
ALTER TABLE device_energy ADD COLUMN outside_epochs_u_j REAL;
ALTER TABLE device_energy ADD COLUMN gap_s REAL;
ALTER TABLE run_co2 ADD COLUMN co2_u_g REAL;
ALTER TABLE run_co2 ADD COLUMN priced_co2_u_g REAL;
ALTER TABLE run_co2 ADD COLUMN epochs_co2_u_g REAL;
ALTER TABLE run_co2 ADD COLUMN outside_co2_u_g REAL;
ALTER TABLE epoch_co2 ADD COLUMN co2_u_g REAL;
ALTER TABLE predictions ADD COLUMN actual_u REAL;  -- bound of actual (its unit: J or g), energy and co2 targets
-- embodied emissions and water (issue 17; rule in common/embodied.c, table
-- data/embodied.csv, written by ctk analyze in analyze/energy/footprint.c).
-- Settings: overrides of the bundled footprint table and the water factors,
-- NULL = not given (the table's sourced value, or water not estimated).
ALTER TABLE analysis_settings ADD COLUMN embodied_kg REAL CHECK (embodied_kg >= 0);      -- kg CO2e per GPU
ALTER TABLE analysis_settings ADD COLUMN embodied_source TEXT;                            -- a source key of data/embodied.csv
ALTER TABLE analysis_settings ADD COLUMN lifetime_years REAL CHECK (lifetime_years > 0);
ALTER TABLE analysis_settings ADD COLUMN utilisation REAL CHECK (utilisation > 0 AND utilisation <= 1);
ALTER TABLE analysis_settings ADD COLUMN wue_l_per_kwh REAL CHECK (wue_l_per_kwh >= 0);  -- on-site, per kWh of IT energy
ALTER TABLE analysis_settings ADD COLUMN water_l_per_kwh REAL CHECK (water_l_per_kwh >= 0); -- water intensity of electricity
-- A run's share of each GPU's manufacturing footprint: footprint_kg x hours /
-- (lifetime_years x 8760 h x utilisation), in g CO2e; co2_g NULL = not
-- estimated (note says why: no sourced value for the device).
CREATE TABLE device_embodied (
  device_id       INTEGER PRIMARY KEY REFERENCES devices(device_id) ON DELETE CASCADE,
  run_id          INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  hours           REAL NOT NULL,     -- first to last reading of the device
  footprint_kg    REAL,              -- kg CO2e, as the source states it
  lifetime_years  REAL,
  utilisation     REAL,
  co2_g           REAL,              -- the run's share, g CO2e
  source          TEXT,              -- source key (ctk.bib) or 'user'
  covers          TEXT,              -- what the footprint covers
  year            INTEGER,           -- year of the source
  note            TEXT
);
CREATE INDEX device_embodied_run ON device_embodied(run_id);
-- A run's totals by scope next to run_co2: embodied CO2 (sum over the GPUs;
-- NULL when a GPU has no value) and water (Li et al. 2023): on-site = WUE x
-- IT energy, off-site = water intensity x IT energy x PUE; NULL = not
-- estimated, the notes say why in words.
CREATE TABLE run_footprint (
  run_id            INTEGER PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
  embodied_co2_g    REAL,
  gpu_hours         REAL,
  embodied_note     TEXT,
  it_energy_kwh     REAL,
  pue               REAL,
  wue_l_per_kwh     REAL,
  water_l_per_kwh   REAL,
  water_onsite_l    REAL,
  water_offsite_l   REAL,
  water_l           REAL,              -- on-site + off-site, when both are known
  water_note        TEXT
);
-- Never stale: dropped with the run's CO2 (whose triggers follow every
-- input) and when an embodied or water setting changes.
CREATE TRIGGER run_co2_del_footprint AFTER DELETE ON run_co2 BEGIN
  DELETE FROM run_footprint WHERE run_id = OLD.run_id;
  DELETE FROM device_embodied WHERE run_id = OLD.run_id;
END;
CREATE TRIGGER settings_upd_footprint AFTER UPDATE ON analysis_settings
  WHEN OLD.embodied_kg IS NOT NEW.embodied_kg OR OLD.embodied_source IS NOT NEW.embodied_source
    OR OLD.lifetime_years IS NOT NEW.lifetime_years OR OLD.utilisation IS NOT NEW.utilisation
    OR OLD.wue_l_per_kwh IS NOT NEW.wue_l_per_kwh OR OLD.water_l_per_kwh IS NOT NEW.water_l_per_kwh BEGIN
  DELETE FROM run_footprint WHERE run_id = NEW.run_id;
  DELETE FROM device_embodied WHERE run_id = NEW.run_id;
END;
-- issue 16 (SLURM): `ctk merge` (analyze/energy/merge_job.c). One row per input
-- run that went into a merged run: which store and run, the reference whose
-- windows the merged run has (rank 0 by default), and the clock offset of
-- its host against the reference's, estimated from matching markers.
CREATE TABLE merge_sources (
  run_id          INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE, -- the merged run
  path            TEXT NOT NULL,      -- the input store
  source_run_id   INTEGER NOT NULL,   -- the run in it
  host            TEXT,
  slurm_job_id    TEXT,
  slurm_procid    TEXT,
  reference       INTEGER NOT NULL DEFAULT 0, -- 1: the merged run's windows are its own
  clock_offset_ns INTEGER,            -- its markers minus the reference's (median); NULL: none matched
  markers_matched INTEGER NOT NULL DEFAULT 0,
  devices         INTEGER NOT NULL,   -- devices it brought
  devices_dropped INTEGER NOT NULL DEFAULT 0 -- … of which measured already by another input
);
CREATE INDEX merge_sources_run ON merge_sources(run_id);
-- A device, keyed by (host, UUID), that two inputs measured over the same
-- time: kept once (device_id, the first input's copy), the other copy's
-- readings not merged, the overlap said.
CREATE TABLE merge_duplicates (
  run_id          INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  device_id       INTEGER NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE, -- the copy kept
  host            TEXT,
  uuid            TEXT,
  kept_path       TEXT NOT NULL,
  kept_run_id     INTEGER NOT NULL,
  dropped_path    TEXT NOT NULL,
  dropped_run_id  INTEGER NOT NULL,
  overlap_ns      INTEGER NOT NULL    -- time both copies have readings
);
