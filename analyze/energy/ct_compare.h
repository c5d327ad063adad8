/* Reported vs recomputed energy for a run imported from carbontracker logs:
 * recomputes each epoch's energy from the stored readings (mean power ×
 * duration, as the importer stores it), applies the PUE asked for, compares
 * with the "Actual consumption" block carbontracker printed and names the
 * known causes of a difference. Pure library code: never prints; `ctk
 * analyze` formats the result with ctk_ct_compare_format(). */
#ifndef CTK_CT_COMPARE_H
#define CTK_CT_COMPARE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* Known causes of a difference (bits of ctk_ct_compare.causes). */
enum ctk_ct_cause {
	CTK_CT_PUE = 1,           /* printed energies include carbontracker's PUE (1.58) */
	CTK_CT_EPOCH_LABEL = 2,   /* after stop(): the actual block says N-1 epochs but sums N */
	CTK_CT_V2_AVERAGED = 4,   /* v2.0-2.4 averaged the devices of a component instead of summing */
	CTK_CT_NO_ACTUAL = 8,     /* no actual block was printed (only a prediction, or no output log) */
	CTK_CT_MISSING_POWER = 16 /* epochs without a power value ('None' or cut-off log) */
};

/* One epoch: duration and energy (J, PUE 1.0). */
struct ctk_ct_epoch {
	int64_t idx;
	double duration_s;
	double energy_j;    /* as logged: averaged devices count once (stored / count) */
	double corrected_j; /* as stored: averaged components summed (× count) */
};

struct ctk_ct_compare {
	int64_t run_id;
	double pue;                /* PUE applied to the *_kwh numbers below (the caller's) */
	double pue_logged;         /* PUE carbontracker said it multiplied by */
	int has_pue_logged;
	int epochs;                /* epoch windows stored */
	double duration_s;         /* sum of epoch durations */
	double energy_j;           /* sum of epoch energy_j (PUE 1.0) */
	double corrected_j;        /* sum of epoch corrected_j (PUE 1.0) */
	double energy_kwh;         /* energy_j × pue / 3.6e6: carbontracker's number when pue = 1.58 */
	double corrected_kwh;      /* corrected_j × pue / 3.6e6: what the hardware drew × pue */
	int averaged_devices;      /* devices behind an averaged value (0: none averaged) */
	int has_actual;            /* carbontracker's last "Actual consumption" block */
	int actual_epochs, has_actual_epochs;
	double actual_kwh, actual_co2_g, actual_duration_s;
	double actual_rel_diff;    /* (energy_kwh - actual_kwh) / actual_kwh, when has_actual */
	int has_predicted;         /* the first "Predicted consumption" block */
	int predicted_epochs;
	double predicted_kwh;
	unsigned causes;           /* enum ctk_ct_cause bits */
	char explain[1536];        /* one sentence per detected cause, '\n'-separated */
	struct ctk_ct_epoch *epoch; /* `epochs` entries in time order; owned, see release */
};

/* Fill *out for run_id (a run with source 'import:carbontracker'; other
 * runs are CTK_EINPUT). pue <= 0 means 1.0. On success the caller releases
 * *out with ctk_ct_compare_release(); on failure nothing is left to free. */
int ctk_carbontracker_recompute(sqlite3 *db, int64_t run_id, double pue, struct ctk_ct_compare *out,
				struct ctk_error *err);
void ctk_ct_compare_release(struct ctk_ct_compare *c);

/* Human-readable lines (reported vs recomputed, then the causes) into buf. */
void ctk_ct_compare_format(const struct ctk_ct_compare *c, char *buf, size_t size);

#endif
