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
