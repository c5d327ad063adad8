/* Typed inserts into the store's core tables (runs, devices, windows,
 * reported), shared by the collector and every importer so each table is
 * written by one piece of code. Optional fields use has_/NULL: a value not
 * known is stored as NULL, never 0. */
#ifndef CTK_STORE_H
#define CTK_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "err.h"

struct ctk_run {
	const char *label, *host, *command, *zone, *config_json;
	const char *source;      /* 'collector' or 'import:<format>' (required) */
	const char *source_path, *source_sha256, *tz;
	int64_t started_ns, ended_ns;
	int has_started, has_ended;
	int exit_status, has_exit_status;
	int planned_epochs;      /* 0: unknown */
	int simulated;
};

struct ctk_device {
	int64_t run_id;
	const char *host, *kind, *vendor, *name, *uuid, *bus_id, *flags;
	int idx, has_idx;
	double power_limit_w;
	int has_power_limit;
};

struct ctk_window {
	int64_t run_id;
	const char *kind;        /* 'epoch', 'baseline' or 'phase' */
	const char *name;
	int64_t idx;
	int has_idx;
	int64_t start_ns, end_ns;
	int64_t items;
	int has_items;
};

/* Numbers another tool printed; a field < 0 with has_ 0 is stored NULL. */
struct ctk_reported {
	int64_t run_id;
	const char *tool, *what, *note;
	int epochs, has_epochs;
	double duration_s, energy_kwh, co2_g, distance_km, pue, g_per_kwh;
	int has_duration, has_energy, has_co2, has_distance, has_pue, has_g_per_kwh;
};

int ctk_run_insert(sqlite3 *db, const struct ctk_run *r, int64_t *run_id, struct ctk_error *err);
int ctk_run_set_span(sqlite3 *db, int64_t run_id, int64_t started_ns, int64_t ended_ns,
		     struct ctk_error *err);
int ctk_run_set_sha256(sqlite3 *db, int64_t run_id, const char *sha256, struct ctk_error *err);
/* End a run: ended_ns, exit status (NULL when !has_exit_status) and, when
 * config_json is not NULL, its config. Used by the collector at the end. */
int ctk_run_finish(sqlite3 *db, int64_t run_id, int64_t ended_ns, int exit_status,
		   int has_exit_status, const char *config_json, struct ctk_error *err);
int ctk_device_insert(sqlite3 *db, const struct ctk_device *d, int64_t *device_id,
		      struct ctk_error *err);
/* A window whose kind and idx the run already has (an epoch seen again after
 * a resume) is stored as the next attempt (windows.attempt), never refused. */
int ctk_window_insert(sqlite3 *db, const struct ctk_window *w, struct ctk_error *err);
/* The same with a statement kept by the caller across calls (*st NULL the
 * first time; the caller finalizes it): no SQL compiled per window. */
int ctk_window_insert_cached(sqlite3 *db, sqlite3_stmt **st, const struct ctk_window *w, struct ctk_error *err);
int ctk_reported_insert(sqlite3 *db, const struct ctk_reported *r, struct ctk_error *err);

#endif
