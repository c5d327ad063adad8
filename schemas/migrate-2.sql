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
