/* The answer to a "status" request on the marker socket (`ctk mark status`,
 * ctk_mark.status() in Python): the running collector's figures so far, as
 * one line of JSON (schemas/status.schema.json). collect.c fills a view of
 * its state; this file only formats it, so the format is testable alone. */
#ifndef CTK_COLLECTOR_STATUS_H
#define CTK_COLLECTOR_STATUS_H

#include <stdint.h>

#include "common/predict.h"

/* One measured device. */
struct ctk_status_dev {
	const char *kind, *name, *uuid; /* as the source names them ("" unknown) */
	int idx;                        /* the source's index */
	int64_t device_id;              /* row in the store's devices table */
	double energy_j;                /* first to last reading (counter or trapezoid) */
	int64_t readings;               /* readings integrated so far */
	int64_t last_ns;                /* time of the last of them, UTC ns */
};

struct ctk_status_view {
	int64_t run_id;
	const char *db_path;
	int64_t now_ns, started_ns;     /* started_ns: first reading (0: none yet) */
	int simulated;
	const struct ctk_status_dev *dev;
	int ndev;
	int64_t epochs_done;            /* epoch windows closed */
	int epoch_open;
	int64_t epoch_current;          /* number of the open epoch */
	int planned_epochs;             /* --epochs (0: not given) */
	/* the latest live prediction (has_prediction 0: none yet) */
	int has_prediction, prediction_after_n, prediction_planned;
	const char *predictor;
	struct ctk_prediction prediction;
	int has_intensity;
	double intensity_g_per_kwh;
};

/* The view as one line of JSON, malloc'ed (the caller frees it); NULL when
 * out of memory. Unknown values are null, never 0. */
char *ctk_status_json(const struct ctk_status_view *v);

#endif
