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

-- intensity (stale CO2, noticed in the second session): a run's CO2, its
-- epochs' CO2 and its predictions (CO2 targets) come from its zone's
-- intensity series. A series added to or removed from that zone (every
-- `ctk intensity import|fetch|default` adds one) drops them for the zone's
-- runs, as a change of the run's zone does (runs_zone_upd), so no report
-- shows CO2 priced by the series that were there before; `ctk analyze`
-- prices it again. run_footprint follows run_co2 (run_co2_del_footprint).
CREATE TRIGGER intensity_series_ins_co2 AFTER INSERT ON intensity_series BEGIN
  DELETE FROM predictions WHERE run_id IN (SELECT run_id FROM runs WHERE zone = NEW.zone);
  DELETE FROM run_co2 WHERE run_id IN (SELECT run_id FROM runs WHERE zone = NEW.zone);
  DELETE FROM epoch_co2 WHERE run_id IN (SELECT run_id FROM runs WHERE zone = NEW.zone);
END;
CREATE TRIGGER intensity_series_del_co2 AFTER DELETE ON intensity_series BEGIN
  DELETE FROM predictions WHERE run_id IN (SELECT run_id FROM runs WHERE zone = OLD.zone);
  DELETE FROM run_co2 WHERE run_id IN (SELECT run_id FROM runs WHERE zone = OLD.zone);
  DELETE FROM epoch_co2 WHERE run_id IN (SELECT run_id FROM runs WHERE zone = OLD.zone);
END;

-- predictions.cal_lo/cal_hi (migrate-2.sql) now also hold the co2 target's
-- calibrated interval: the energy's, with the part still to come priced at
-- the intensity the prediction uses for the rest (common/predict.c co2_cal;
-- what the collector's live line shows). It is not calibrated on its own:
-- the intensity's own error is not in it.
