-- ctk store, schema version 1; version 2 adds schemas/migrate-2.sql.
-- These files are the contract between collector, analyze and report: every
-- tool creates a new database from this file plus each migrate-N.sql in
-- order, upgrades an older store with the migrations it lacks, and refuses a
-- database whose user_version is newer than the one it was built with.
-- Conventions: every time is UTC Unix nanoseconds (*_ns); every quantity
-- carries its unit in its name (_w, _j, _kwh, _g, _g_per_kwh, _s); a missing
-- reading is NULL, never 0.

-- One measured or imported training run.
CREATE TABLE runs (
  run_id         INTEGER PRIMARY KEY,
  label          TEXT,
  host           TEXT,
  command        TEXT,
  started_ns     INTEGER,            -- first reading or process start
  ended_ns       INTEGER,            -- last reading or process end
  exit_status    INTEGER,            -- child's status (128+signal when killed)
  planned_epochs INTEGER,
  zone           TEXT,               -- grid zone for the intensity join
  config_json    TEXT,               -- what comparisons group by (gpu, precision, batch…)
  source         TEXT NOT NULL,      -- 'collector' or 'import:<format>'
  source_path    TEXT,
  source_sha256  TEXT,
  tz             TEXT,               -- zone assumed for zone-less input times
  simulated      INTEGER NOT NULL DEFAULT 0,  -- 1: measured on a simulated device
  created_ns     INTEGER NOT NULL
);

-- One measured device of a run. (host, uuid) identifies hardware across
-- ranks and nodes, so merging DBs of one job never counts a device twice.
CREATE TABLE devices (
  device_id      INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  host           TEXT,
  kind           TEXT NOT NULL CHECK (kind IN ('gpu','cpu','dram','soc','other')),
  vendor         TEXT,
  name           TEXT,
  uuid           TEXT,
  bus_id         TEXT,
  idx            INTEGER,            -- index as the source numbered it
  power_limit_w  REAL,
  flags          TEXT                -- e.g. 'mig-parent', 'not-measured'
);
CREATE INDEX devices_run ON devices(run_id);
CREATE INDEX devices_hw ON devices(host, uuid);

-- Readings of one device, stored in time-ordered chunks (see
-- schemas/samples-encoding.md and common/samples.c). Each chunk holds n
-- readings (t_ns, power_w, energy_j) of one signal:
--   'counter'       cumulative energy counter (energy_j set, power_w may be)
--   'power_instant' instantaneous power
--   'power_avg_1s'  power averaged by the device over about 1 s
--   'power_draw'    nvidia-smi power.draw (instant or averaged, per driver)
--   'tdp_model'     power modelled from TDP and utilisation
--   'imported'      power taken from another tool's log
-- Readings are read and written only through common/samples.h; the view
-- is documented there. Chunking keeps a stored reading at ~4-8 bytes.
CREATE TABLE sample_chunks (
  chunk_id   INTEGER PRIMARY KEY,
  device_id  INTEGER NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
  first_ns   INTEGER NOT NULL,
  last_ns    INTEGER NOT NULL,
  n          INTEGER NOT NULL CHECK (n > 0),
  signal     TEXT NOT NULL CHECK (signal IN ('counter','power_instant',
               'power_avg_1s','power_draw','tdp_model','imported')),
  data       BLOB NOT NULL
);
CREATE INDEX sample_chunks_device ON sample_chunks(device_id, first_ns);

-- Epochs, baselines and named phases of a run.
CREATE TABLE windows (
  window_id  INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('epoch','baseline','phase')),
  idx        INTEGER,                -- epoch number as the source numbered it
  name       TEXT,
  start_ns   INTEGER NOT NULL,
  end_ns     INTEGER NOT NULL CHECK (end_ns >= start_ns),
  items      INTEGER,                -- samples/tokens processed, when known
  attempt    INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1)
                                     -- 1, 2, …: the n-th window of this kind with this
                                     -- idx (an epoch run again after a resume); set by
                                     -- common/store.c, see docs/HACKING.md "Repeated epochs"
);
CREATE INDEX windows_run ON windows(run_id, kind, start_ns);

-- Numbers another tool printed, kept to compare against ours.
CREATE TABLE reported (
  reported_id  INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  tool         TEXT NOT NULL,
  what         TEXT NOT NULL CHECK (what IN ('predicted','actual','epoch','other')),
  epochs       INTEGER,
  duration_s   REAL,
  energy_kwh   REAL,
  co2_g        REAL,
  distance_km  REAL,
  pue          REAL,
  g_per_kwh    REAL,
  note         TEXT
);

-- Carbon-intensity series and their values (step semantics: a value holds
-- from start_ns to end_ns).
CREATE TABLE intensity_series (
  series_id  INTEGER PRIMARY KEY,
  zone       TEXT NOT NULL,
  source     TEXT NOT NULL,
  signal     TEXT NOT NULL CHECK (signal IN ('lifecycle','direct','marginal')),
  unit       TEXT NOT NULL,          -- unit of the source file before conversion
  path       TEXT,
  sha256     TEXT,
  year       INTEGER,                -- for yearly fallback values
  kind       TEXT NOT NULL DEFAULT 'history'
             CHECK (kind IN ('history','forecast','yearly')),
                                     -- history: measured (per-row estimated flags);
                                     -- forecast: every value a forecast; yearly: fallback
  resolution_s INTEGER,              -- most common step length of the series
  created_ns INTEGER NOT NULL
);
CREATE INDEX intensity_series_zone ON intensity_series(zone, signal);
CREATE TABLE intensity (
  series_id   INTEGER NOT NULL REFERENCES intensity_series(series_id) ON DELETE CASCADE,
  start_ns    INTEGER NOT NULL,
  end_ns      INTEGER NOT NULL CHECK (end_ns > start_ns),
  g_per_kwh   REAL NOT NULL,
  estimated   INTEGER NOT NULL DEFAULT 0,  -- 1: estimated or forecast, not measured
  PRIMARY KEY (series_id, start_ns)
) WITHOUT ROWID;

-- Analysis results: energy per epoch and device (written by ctk analyze in
-- one transaction; cleared by the triggers below when their inputs change).
CREATE TABLE epoch_energy (
  run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  idx        INTEGER NOT NULL,
  attempt    INTEGER NOT NULL DEFAULT 1,  -- windows.attempt of the epoch
  device_id  INTEGER NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
  energy_j   REAL,                   -- NULL when no reading covers the epoch
  method     TEXT NOT NULL CHECK (method IN ('counter','trapezoid','mixed','tdp_model','none')),
  coverage   REAL NOT NULL,          -- share of the epoch with readings 0..1
  PRIMARY KEY (run_id, idx, attempt, device_id)
);

-- Analysis results: whole-run energy per device (first to last reading),
-- the part inside epochs and the part outside (data loading, checkpoints…).
CREATE TABLE device_energy (
  device_id        INTEGER PRIMARY KEY REFERENCES devices(device_id) ON DELETE CASCADE,
  run_id           INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  first_ns         INTEGER,
  last_ns          INTEGER,
  readings         INTEGER NOT NULL,
  energy_j         REAL,
  in_epochs_j      REAL,
  outside_epochs_j REAL,
  method           TEXT NOT NULL,
  coverage         REAL NOT NULL,
  period_s         REAL                -- median sampling period
);

-- Analysis results: what each predictor (common/predict.h) said after the
-- first after_n epochs about the total of planned_epochs epochs (epochs only:
-- energy_j summed over devices, duration in s, co2 in g), its interval
-- [lo, hi] of nominal coverage coverage_nominal, the measured total and
-- rel_err = (value - actual) / actual. NULL: not known (e.g. co2 without an
-- intensity series, actual when the run stopped short of planned_epochs).
CREATE TABLE predictions (
  run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  after_n    INTEGER NOT NULL,
  predictor  TEXT NOT NULL,
  target     TEXT NOT NULL CHECK (target IN ('energy','duration','co2')),
  value      REAL,
  lo         REAL,
  hi         REAL,
  actual     REAL,
  rel_err    REAL,
  coverage_nominal REAL,             -- e.g. 0.95; NULL when there is no interval
  planned_epochs   INTEGER,          -- epochs the totals are for
  used_epochs      INTEGER,          -- epochs the estimate rests on (skip-warmup drops some)
  PRIMARY KEY (run_id, after_n, predictor, target)
);

-- Analysis results: CO2 of a run, written by ctk analyze through the one
-- intensity rule (common/intensity.h). ctk report reads it through
-- report/co2.h and never computes CO2 itself. One row per analysed run:
-- co2_g is the whole-run energy x intensity (step join) x PUE, applied once;
-- NULL when it is not known (no zone, no series, or energy without an
-- intensity value: then note says why in words, never 0).
-- epochs_co2_g + outside_co2_g = co2_g (the epochs and the rest of the run).
-- no_intensity_share is the share 0..1 of the energy without an intensity
-- value; priced_co2_g the CO2 of the rest (a lower bound, for the words).
-- zone, signal, pue(+source), fill and default_g_per_kwh are the settings
-- the numbers came from; resolution_s the series' median step.
CREATE TABLE run_co2 (
  run_id             INTEGER PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
  co2_g              REAL,
  pue                REAL,
  pue_source         TEXT,          -- e.g. 'default (own hardware)', 'carbontracker preset', 'user'
  zone               TEXT,
  source             TEXT,          -- intensity source, e.g. 'Electricity Maps'
  signal             TEXT CHECK (signal IN ('lifecycle','direct','marginal')),
  year               INTEGER,       -- year of the intensity data (of the series that priced most)
  resolution_s       REAL,
  no_intensity_share REAL,
  series_id          INTEGER REFERENCES intensity_series(series_id) ON DELETE SET NULL,
  epochs_co2_g       REAL,          -- the epochs' part of co2_g (NULL: no epochs, or unknown)
  outside_co2_g      REAL,          -- the part outside epochs
  priced_co2_g       REAL,          -- CO2 of the energy that had an intensity value (x PUE)
  fill               TEXT CHECK (fill IN ('none','previous','default')),
  default_g_per_kwh  REAL,          -- fill default with a given value
  note               TEXT           -- why co2_g is NULL, or what was filled
);

-- Analysis results: CO2 of each epoch (all devices, PUE applied; NULL when
-- part of its energy had no intensity value), and that energy (not 0: NULL
-- CO2 says so).
CREATE TABLE epoch_co2 (
  run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  idx        INTEGER NOT NULL,
  attempt    INTEGER NOT NULL DEFAULT 1,  -- windows.attempt of the epoch
  co2_g      REAL,                        -- NULL: some of its energy has no intensity value
  missing_j  REAL NOT NULL,
  PRIMARY KEY (run_id, idx, attempt)
);

-- Analysis settings of a run (what `ctk analyze` was last given, or `ctk
-- config` set): reused by every later analyze (and so by report and
-- evaluate, which read its results) until a flag overrides them. The zone
-- is runs.zone. NULL: not set (the built-in default applies: the zone's
-- average signal, PUE 1.0, fill none). See common/settings.h.
CREATE TABLE analysis_settings (
  run_id            INTEGER PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
  signal            TEXT CHECK (signal IN ('lifecycle','direct','marginal')),
  pue               REAL CHECK (pue >= 1),
  pue_source        TEXT,
  fill              TEXT CHECK (fill IN ('none','previous','default')),
  default_g_per_kwh REAL CHECK (default_g_per_kwh >= 0),
  updated_ns        INTEGER NOT NULL
);

-- Results never go stale: changing a run's windows or readings drops them.
CREATE TRIGGER windows_ins AFTER INSERT ON windows BEGIN
  DELETE FROM epoch_energy WHERE run_id = NEW.run_id;
  DELETE FROM device_energy WHERE run_id = NEW.run_id;
  DELETE FROM predictions WHERE run_id = NEW.run_id;
  DELETE FROM run_co2 WHERE run_id = NEW.run_id;
  DELETE FROM epoch_co2 WHERE run_id = NEW.run_id;
END;
CREATE TRIGGER windows_del AFTER DELETE ON windows BEGIN
  DELETE FROM epoch_energy WHERE run_id = OLD.run_id;
  DELETE FROM device_energy WHERE run_id = OLD.run_id;
  DELETE FROM predictions WHERE run_id = OLD.run_id;
  DELETE FROM run_co2 WHERE run_id = OLD.run_id;
  DELETE FROM epoch_co2 WHERE run_id = OLD.run_id;
END;
CREATE TRIGGER windows_upd AFTER UPDATE ON windows BEGIN
  DELETE FROM epoch_energy WHERE run_id IN (OLD.run_id, NEW.run_id);
  DELETE FROM device_energy WHERE run_id IN (OLD.run_id, NEW.run_id);
  DELETE FROM predictions WHERE run_id IN (OLD.run_id, NEW.run_id);
  DELETE FROM run_co2 WHERE run_id IN (OLD.run_id, NEW.run_id);
  DELETE FROM epoch_co2 WHERE run_id IN (OLD.run_id, NEW.run_id);
END;
CREATE TRIGGER chunks_ins AFTER INSERT ON sample_chunks BEGIN
  DELETE FROM epoch_energy WHERE run_id =
    (SELECT run_id FROM devices WHERE device_id = NEW.device_id);
  DELETE FROM device_energy WHERE device_id = NEW.device_id;
  DELETE FROM predictions WHERE run_id =
    (SELECT run_id FROM devices WHERE device_id = NEW.device_id);
  DELETE FROM run_co2 WHERE run_id =
    (SELECT run_id FROM devices WHERE device_id = NEW.device_id);
  DELETE FROM epoch_co2 WHERE run_id =
    (SELECT run_id FROM devices WHERE device_id = NEW.device_id);
END;

-- A run's CO2 and predictions were made for its zone and settings: a change
-- drops them (the energy stays; the next analyze prices it again).
CREATE TRIGGER runs_zone_upd AFTER UPDATE OF zone ON runs WHEN OLD.zone IS NOT NEW.zone BEGIN
  DELETE FROM predictions WHERE run_id = NEW.run_id;
  DELETE FROM run_co2 WHERE run_id = NEW.run_id;
  DELETE FROM epoch_co2 WHERE run_id = NEW.run_id;
END;
CREATE TRIGGER settings_ins AFTER INSERT ON analysis_settings BEGIN
  DELETE FROM predictions WHERE run_id = NEW.run_id;
  DELETE FROM run_co2 WHERE run_id = NEW.run_id;
  DELETE FROM epoch_co2 WHERE run_id = NEW.run_id;
END;
CREATE TRIGGER settings_upd AFTER UPDATE ON analysis_settings
  WHEN OLD.signal IS NOT NEW.signal OR OLD.pue IS NOT NEW.pue OR OLD.fill IS NOT NEW.fill
    OR OLD.default_g_per_kwh IS NOT NEW.default_g_per_kwh BEGIN
  DELETE FROM predictions WHERE run_id = NEW.run_id;
  DELETE FROM run_co2 WHERE run_id = NEW.run_id;
  DELETE FROM epoch_co2 WHERE run_id = NEW.run_id;
END;
CREATE TRIGGER settings_del AFTER DELETE ON analysis_settings BEGIN
  DELETE FROM predictions WHERE run_id = OLD.run_id;
  DELETE FROM run_co2 WHERE run_id = OLD.run_id;
  DELETE FROM epoch_co2 WHERE run_id = OLD.run_id;
END;
