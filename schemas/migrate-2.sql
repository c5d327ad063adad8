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
