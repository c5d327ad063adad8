-- ctk store, schema version 2 -> 3. A new store is schema.sql, migrate-2.sql
-- and this file; an existing store gets the files after its version, in the
-- transaction that sets user_version. Add statements below (ALTER TABLE ADD
-- COLUMN, CREATE TABLE), each with a comment naming what it is for.
INSERT INTO schema_notes VALUES (3, 'version 3: the calibrated intervals'' group and scale (schemas/migrate-3.sql)');

-- predict (issue 15): what each calibrated interval [cal_lo, cal_hi] /
-- [lo, hi] was made of, value ± q·cal_scale·rest: cal_group is the run's
-- group when it was predicted ('quiet', 'busy', 'shift', 'jump';
-- common/predict.h ctk_predict_calib_group) and cal_scale the run's own
-- scale (ctk_predict_calib_scale, _run_scale; dimensionless). NULL where
-- the prediction has no value. bench/predict_calibrate.py reads both, so
-- the rule lives only in common/predict.c.
ALTER TABLE predictions ADD COLUMN cal_group TEXT;
ALTER TABLE predictions ADD COLUMN cal_scale REAL;
ALTER TABLE run_predictions ADD COLUMN cal_group TEXT;
ALTER TABLE run_predictions ADD COLUMN cal_scale REAL;
