/* JSON output of `ctk analyze` (see analyze_out.h and
 * schemas/analyze.schema.json): exact integer nanoseconds, null for what was
 * not measured, and keys only ever added, never renamed. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "analyze/cmd/analyze_out.h"
#include "analyze/energy/uncert.h"
#include "common/json.h"


/* int64 nanoseconds as exact JSON integers (cJSON numbers are doubles). */
static void add_ns(cJSON *o, const char *key, int64_t ns)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRId64, ns);
	cJSON_AddRawToObject(o, key, buf);
}

static cJSON *device_json(const struct ctk_run_result *r, int i)
{
	cJSON *j = cJSON_CreateObject();
	const struct ctk_dev_result *d = &r->dev[i];
	const struct ctk_integrator *in = &d->in;
	double gap;
	double u = ctk_dev_energy_u_j(r, i, -1, &gap);
	int any = in->total.used_counter || in->total.used_power;

	cJSON_AddNumberToObject(j, "device_id", (double)d->device_id);
	cJSON_AddStringToObject(j, "kind", d->kind);
	ctk_json_str_or_null(j, "host", d->host);
	ctk_json_str_or_null(j, "name", d->name);
	ctk_json_str_or_null(j, "uuid", d->uuid);
	ctk_json_str_or_null(j, "bus_id", d->bus_id);
	ctk_json_num_or_null(j, "idx", d->idx, d->has_idx);
	cJSON_AddNumberToObject(j, "readings", (double)in->readings);
	ctk_json_num_or_null(j, "period_s", d->period_s, d->period_s > 0);
	ctk_json_num_or_null(j, "energy_j", in->total.energy_j, any);
	ctk_json_num_or_null(j, "energy_u_j", u, any);
	ctk_json_num_or_null(j, "gap_s", gap, any);
	cJSON_AddStringToObject(j, "method", ctk_energy_method(&in->total));
	ctk_json_str_or_null(j, "power_lag", ctk_energy_lag(&in->total));
	cJSON_AddNumberToObject(j, "coverage", in->readings > 1 ? ctk_energy_coverage(&in->total, in->first_ns, in->last_ns) : 0);
	return j;
}

static cJSON *epoch_json(const struct ctk_run_result *r, const struct ctk_co2_result *co2,
			 const struct ctk_baseline *bl, int has_bl, int k)
{
	cJSON *j = cJSON_CreateObject(), *devs = cJSON_CreateArray();
	int complete;
	double e = ctk_epoch_energy_j(r, k, &complete), gap, u = ctk_epoch_energy_u_j(r, k, &gap);
	double dur_s = (double)(r->win[k].end_ns - r->win[k].start_ns) / 1e9;
	struct ctk_baseline_u bu = {0};

	cJSON_AddNumberToObject(j, "idx", (double)r->win[k].idx);
	cJSON_AddNumberToObject(j, "attempt", r->win[k].attempt);
	add_ns(j, "start_ns", r->win[k].start_ns);
	add_ns(j, "end_ns", r->win[k].end_ns);
	cJSON_AddNumberToObject(j, "duration_s", (double)(r->win[k].end_ns - r->win[k].start_ns) / 1e9);
	ctk_json_num_or_null(j, "energy_j", e, complete);
	ctk_json_num_or_null(j, "energy_u_j", u, complete);
	ctk_json_num_or_null(j, "gap_s", gap, complete);
	ctk_json_num_or_null(j, "items", (double)r->items[k], r->items[k] >= 0);
	cJSON_AddNumberToObject(j, "coverage", ctk_epoch_coverage(r, k));
	ctk_json_num_or_null(j, "net_energy_j", has_bl && complete ? e - bl->idle_w * (double)(r->win[k].end_ns - r->win[k].start_ns) / 1e9 : 0,
			has_bl && complete);
	if (has_bl)
		ctk_run_baseline_u(r, bl, &bu);
	ctk_json_num_or_null(j, "net_energy_u_j", u + bu.idle_w * dur_s, has_bl && complete);
	ctk_json_num_or_null(j, "co2_g", co2->have ? co2->epoch_g[k] : 0, co2->have && co2->epoch_missing_j[k] == 0);
	ctk_json_num_or_null(j, "co2_u_g", ctk_epoch_co2_u_g(r, co2, k), co2->have && co2->epoch_missing_j[k] == 0);
	ctk_json_num_or_null(j, "no_intensity_j", co2->have ? co2->epoch_missing_j[k] : 0, co2->have);
	/* the unpriced part of the epoch's energy: at most the epoch's bound */
	ctk_json_num_or_null(j, "no_intensity_u_j", co2->have && co2->epoch_missing_j[k] > 0 ? u : 0, co2->have);
	for (int i = 0; i < r->ndev; i++) {
		const struct ctk_energy *p = &r->dev[i].per[k];
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "device_id", (double)r->dev[i].device_id);
		ctk_json_str_or_null(d, "uuid", r->dev[i].uuid);
		ctk_json_str_or_null(d, "name", r->dev[i].name);
		ctk_json_num_or_null(d, "energy_j", p->energy_j, p->used_counter || p->used_power);
		ctk_json_num_or_null(d, "energy_u_j", ctk_dev_energy_u_j(r, i, k, &gap), p->used_counter || p->used_power);
		ctk_json_num_or_null(d, "gap_s", gap, p->used_counter || p->used_power);
		cJSON_AddStringToObject(d, "method", ctk_energy_method(p));
		ctk_json_str_or_null(d, "power_lag", ctk_energy_lag(p));
		cJSON_AddNumberToObject(d, "coverage", ctk_energy_coverage(p, r->win[k].start_ns, r->win[k].end_ns));
		cJSON_AddItemToArray(devs, d);
	}
	cJSON_AddItemToObject(j, "devices", devs);
	return j;
}

static cJSON *co2_json(const struct ctk_analyze_view *v)
{
	const struct ctk_co2_result *c = v->co2;
	cJSON *j = cJSON_CreateObject();
	struct ctk_co2_u u;

	if (!c->have) {
		cJSON_AddNullToObject(j, "co2_g");
		cJSON_AddNullToObject(j, "co2_u_g");
		cJSON_AddStringToObject(j, "note", c->note);
		return j;
	}
	ctk_run_co2_u(v->r, c, &u);
	ctk_json_num_or_null(j, "co2_g", c->co2_g, c->known);
	ctk_json_num_or_null(j, "co2_u_g", u.co2_g, c->known);
	if (c->note[0])
		cJSON_AddStringToObject(j, "note", c->note);
	cJSON_AddNumberToObject(j, "priced_co2_g", c->priced_g);
	cJSON_AddNumberToObject(j, "priced_co2_u_g", u.priced_g);
	int epochs_known = c->nwin > 0;
	for (int k = 0; k < c->nwin; k++)
		epochs_known &= c->epoch_missing_j[k] == 0;
	ctk_json_num_or_null(j, "epochs_co2_g", c->epochs_g, epochs_known);
	ctk_json_num_or_null(j, "epochs_co2_u_g", u.epochs_g, epochs_known);
	ctk_json_num_or_null(j, "outside_co2_g", c->outside_g, c->known && c->nwin > 0);
	ctk_json_num_or_null(j, "outside_co2_u_g", u.outside_g, c->known && c->nwin > 0);
	cJSON_AddStringToObject(j, "uncertainty_note", CTK_UNCERT_CO2_NOTE);
	cJSON_AddNumberToObject(j, "pue", v->pue);
	ctk_json_str_or_null(j, "pue_source", v->pue_source);
	cJSON_AddStringToObject(j, "zone", c->zone);
	cJSON_AddStringToObject(j, "signal", c->res.signal);
	ctk_json_str_or_null(j, "source", c->source);
	ctk_json_num_or_null(j, "year", c->year, c->year > 0);
	ctk_json_num_or_null(j, "resolution_s", c->resolution_s, c->resolution_s > 0);
	ctk_json_num_or_null(j, "mean_g_per_kwh_energy", c->res.mean_g_per_kwh_energy, c->res.mean_g_per_kwh_energy == c->res.mean_g_per_kwh_energy);
	ctk_json_num_or_null(j, "mean_g_per_kwh_time", c->res.mean_g_per_kwh_time, c->res.mean_g_per_kwh_time == c->res.mean_g_per_kwh_time);
	cJSON_AddNumberToObject(j, "no_intensity_share", c->res.missing_share);
	cJSON_AddNumberToObject(j, "filled_share", c->res.filled_share);
	cJSON_AddNumberToObject(j, "estimated_share", c->res.estimated_share);
	ctk_json_str_or_null(j, "fill_note", c->res.fill_note);
	return j;
}

/* The settings the numbers came from (stored with the run, flags over them). */
static cJSON *settings_json(const struct ctk_analyze_view *v)
{
	const struct ctk_settings *s = v->settings;
	cJSON *j = cJSON_CreateObject();

	ctk_json_str_or_null(j, "zone", s->has_zone ? s->zone : NULL);
	ctk_json_str_or_null(j, "signal", v->co2->have ? v->co2->res.signal : s->has_signal ? s->signal : NULL);
	cJSON_AddNumberToObject(j, "pue", v->pue);
	ctk_json_str_or_null(j, "pue_source", v->pue_source);
	cJSON_AddStringToObject(j, "fill", ctk_fill_name(s->has_fill ? s->fill : CTK_FILL_NONE));
	ctk_json_num_or_null(j, "default_g_per_kwh", s->default_g_per_kwh, s->has_default);
	return j;
}

static cJSON *ct_json(const struct ctk_ct_compare *c)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddNumberToObject(j, "pue", c->pue);
	cJSON_AddNumberToObject(j, "recomputed_energy_kwh", c->energy_kwh);
	cJSON_AddNumberToObject(j, "corrected_energy_kwh", c->corrected_kwh);
	ctk_json_num_or_null(j, "reported_actual_kwh", c->actual_kwh, c->has_actual);
	ctk_json_num_or_null(j, "reported_actual_epochs", c->actual_epochs, c->has_actual_epochs);
	ctk_json_num_or_null(j, "actual_rel_diff", c->actual_rel_diff, c->has_actual);
	ctk_json_num_or_null(j, "reported_predicted_kwh", c->predicted_kwh, c->has_predicted);
	cJSON_AddNumberToObject(j, "averaged_devices", c->averaged_devices);
	cJSON_AddNumberToObject(j, "causes", c->causes);
	cJSON_AddStringToObject(j, "explain", c->explain);
	return j;
}

/* actual_u beside each prediction row's measured actual (energy, CO2). */
static void predictions_u(const struct ctk_analyze_view *v, cJSON *rows)
{
	cJSON *row;
	double seen[2] = {0, 0}, u[2] = {0, 0}; /* per target (energy, co2): the last actual and its bound */
	int has[2] = {0, 0}, known[2] = {0, 0};

	cJSON_ArrayForEach(row, rows) {
		const cJSON *t = cJSON_GetObjectItem(row, "target"), *a = cJSON_GetObjectItem(row, "actual");
		int co2 = cJSON_IsString(t) && !strcmp(t->valuestring, "co2");
		int ok = cJSON_IsNumber(a) && cJSON_IsString(t) && (co2 || !strcmp(t->valuestring, "energy"));
		if (ok && !(known[co2] && seen[co2] == a->valuedouble)) { /* every row of a target has one actual */
			has[co2] = ctk_actual_u(v->r, v->co2, co2, a->valuedouble, &u[co2]);
			seen[co2] = a->valuedouble;
			known[co2] = 1;
		}
		ctk_json_num_or_null(row, "actual_u", ok ? u[co2] : 0, ok && has[co2]);
	}
}

/* observed_u_j and actual_u beside each whole-run prediction's measured
 * parts (the run's energy so far and its total). */
static void run_predictions_u(const struct ctk_analyze_view *v, cJSON *rows)
{
	cJSON *row;

	cJSON_ArrayForEach(row, rows) {
		const cJSON *n = cJSON_GetObjectItem(row, "after_n"), *o = cJSON_GetObjectItem(row, "observed_j");
		const cJSON *a = cJSON_GetObjectItem(row, "actual");
		double u = 0;
		int has = cJSON_IsNumber(a) && ctk_actual_u(v->r, v->co2, 0, a->valuedouble, &u);
		ctk_json_num_or_null(row, "observed_u_j", cJSON_IsNumber(n) ? ctk_run_observed_u_j(v->r, n->valueint) : 0,
				cJSON_IsNumber(o) && cJSON_IsNumber(n));
		ctk_json_num_or_null(row, "actual_u", u, has);
	}
}

/* What the bounds mean, in words, once per run. */
static cJSON *uncertainty_json(void)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "meaning", CTK_UNCERT_MEANING);
	cJSON_AddStringToObject(j, "co2", CTK_UNCERT_CO2_NOTE);
	return j;
}

cJSON *ctk_analyze_json(const struct ctk_analyze_view *v)
{
	const struct ctk_run_result *r = v->r;
	cJSON *j = cJSON_CreateObject(), *devs = cJSON_CreateArray(), *eps = cJSON_CreateArray();
	double total = ctk_run_energy_j(r), in = ctk_run_epochs_energy_j(r), gap;
	double u = ctk_run_energy_u_j(r, &gap), uin = ctk_run_epochs_energy_u_j(r);
	struct ctk_co2_u cu;

	ctk_run_co2_u(r, v->co2, &cu);

	cJSON_AddNumberToObject(j, "run_id", (double)r->run_id);
	ctk_json_str_or_null(j, "label", r->label);
	cJSON_AddStringToObject(j, "source", r->source);
	cJSON_AddBoolToObject(j, "simulated", r->simulated);
	if (r->has_span) {
		add_ns(j, "started_ns", r->started_ns);
		add_ns(j, "ended_ns", r->ended_ns);
	} else {
		cJSON_AddNullToObject(j, "started_ns");
		cJSON_AddNullToObject(j, "ended_ns");
	}
	cJSON_AddNumberToObject(j, "energy_j", total);
	cJSON_AddNumberToObject(j, "energy_u_j", u);
	cJSON_AddNumberToObject(j, "energy_kwh", total / 3.6e6);
	cJSON_AddNumberToObject(j, "energy_u_kwh", u / 3.6e6);
	cJSON_AddNumberToObject(j, "gap_s", gap);
	cJSON_AddNumberToObject(j, "pue", v->pue);
	cJSON_AddNumberToObject(j, "facility_energy_j", total * v->pue);
	cJSON_AddNumberToObject(j, "facility_energy_u_j", u * v->pue);
	int known = ctk_run_epochs_known(r);   /* a device without energy in an epoch: NULL */
	ctk_json_num_or_null(j, "epochs_energy_j", in, known);
	ctk_json_num_or_null(j, "epochs_energy_u_j", uin, known);
	ctk_json_num_or_null(j, "outside_epochs_j", total - in, known);
	ctk_json_num_or_null(j, "outside_epochs_u_j", ctk_run_outside_u_j(r), known);
	cJSON_AddNumberToObject(j, "coverage", ctk_run_coverage(r));
	ctk_json_num_or_null(j, "co2_g", v->co2->co2_g, v->co2->have && v->co2->known);
	ctk_json_num_or_null(j, "co2_u_g", cu.co2_g, v->co2->have && v->co2->known);
	cJSON_AddItemToObject(j, "uncertainty", uncertainty_json());
	cJSON_AddItemToObject(j, "co2", co2_json(v));
	cJSON_AddItemToObject(j, "settings", settings_json(v));
	ctk_analyze_json_footprint(j, v->fp);
	if (v->ct)
		cJSON_AddItemToObject(j, "carbontracker", ct_json(v->ct));
	for (int i = 0; i < r->ndev; i++)
		cJSON_AddItemToArray(devs, device_json(r, i));
	cJSON_AddItemToObject(j, "devices", devs);
	cJSON *nodes = cJSON_AddArrayToObject(j, "nodes"); /* energy per host (several after ctk merge) */
	for (int i = 0; nodes && i < r->ndev; i++) {
		int seen = 0, n = 0;
		for (int k = 0; k < r->ndev; k++) {
			seen |= k < i && !strcmp(r->dev[k].host, r->dev[i].host);
			n += !strcmp(r->dev[k].host, r->dev[i].host);
		}
		if (seen)
			continue;
		cJSON *o = cJSON_CreateObject();
		ctk_json_str_or_null(o, "host", r->dev[i].host);
		cJSON_AddNumberToObject(o, "devices", n);
		cJSON_AddNumberToObject(o, "energy_j", ctk_run_host_energy_j(r, r->dev[i].host));
		cJSON_AddNumberToObject(o, "energy_u_j", ctk_run_host_energy_u_j(r, r->dev[i].host));
		cJSON_AddItemToArray(nodes, o);
	}
	if (v->has_cpu_share) { /* a SLURM job on a shared node: an estimate by cores */
		double e = 0;
		cJSON *c = cJSON_AddObjectToObject(j, "cpu_share");
		for (int i = 0; i < r->ndev; i++)
			if (!strcmp(r->dev[i].kind, "cpu") || !strcmp(r->dev[i].kind, "dram"))
				e += r->dev[i].in.total.energy_j;
		cJSON_AddNumberToObject(c, "share", v->cpu_share);
		cJSON_AddNumberToObject(c, "cpu_dram_energy_j", e);
		cJSON_AddNumberToObject(c, "job_energy_j", e * v->cpu_share);
		cJSON_AddStringToObject(c, "note", "estimate: the job's share of the node's CPUs (SLURM_CPUS_ON_NODE); "
					"the packages are not measured per core");
	} else {
		cJSON_AddNullToObject(j, "cpu_share");
	}
	struct ctk_baseline bl;
	int has_bl = ctk_run_baseline(r, &bl);
	if (has_bl) {
		cJSON *b = cJSON_CreateObject();
		cJSON_AddNumberToObject(b, "idle_w", bl.idle_w);
		cJSON_AddNumberToObject(b, "baseline_s", bl.baseline_s);
		add_ns(b, "after_ns", bl.after_ns);
		cJSON_AddNumberToObject(b, "gross_j", bl.gross_j);
		cJSON_AddNumberToObject(b, "idle_j", bl.idle_j);
		cJSON_AddNumberToObject(b, "net_j", bl.net_j);
		struct ctk_baseline_u bu;
		ctk_run_baseline_u(r, &bl, &bu);
		cJSON_AddNumberToObject(b, "idle_u_w", bu.idle_w);
		cJSON_AddNumberToObject(b, "gross_u_j", bu.gross_j);
		cJSON_AddNumberToObject(b, "idle_u_j", bu.idle_j);
		cJSON_AddNumberToObject(b, "net_u_j", bu.net_j);
		cJSON_AddItemToObject(j, "baseline", b);
	} else {
		cJSON_AddNullToObject(j, "baseline");
	}
	for (int k = 0; k < r->nwin; k++)
		cJSON_AddItemToArray(eps, epoch_json(r, v->co2, &bl, has_bl, k));
	cJSON_AddItemToObject(j, "epochs", eps);
	cJSON *pred = ctk_predictions_json(v->pred);
	predictions_u(v, pred);
	cJSON_AddItemToObject(j, "predictions", pred);
	cJSON *run_pred = ctk_run_predictions_json(v->pred);
	run_predictions_u(v, run_pred);
	cJSON_AddItemToObject(j, "run_predictions", run_pred);
	return j;
}
