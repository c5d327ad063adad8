/* The collector's "status" answer (status.h): its view of the run so far
 * formatted as one line of JSON with cJSON. Energies in J (and the total in
 * kWh), times as UTC ns and ISO-8601; unknown is null. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/status.h"
#include "common/time.h"
#include "common/units.h"

/* A time in ns as an exact JSON integer (a double would round it). */
static void add_ns(cJSON *o, const char *key, int64_t t_ns)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)t_ns);
	cJSON_AddRawToObject(o, key, buf);
}

static void add_time(cJSON *o, const char *key, int64_t t_ns, int known)
{
	char buf[40];

	if (!known) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	ctk_time_format(t_ns, buf, sizeof buf);
	cJSON_AddStringToObject(o, key, buf);
}

/* An estimate as {value, lo, hi}, or null when not valid. */
static void add_estimate(cJSON *o, const char *key, const struct ctk_estimate *e)
{
	cJSON *j;

	if (!e->valid) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	j = cJSON_AddObjectToObject(o, key);
	if (!j)
		return;
	cJSON_AddNumberToObject(j, "value", e->value);
	if (e->has_interval) {
		cJSON_AddNumberToObject(j, "lo", e->lo);
		cJSON_AddNumberToObject(j, "hi", e->hi);
	} else {
		cJSON_AddNullToObject(j, "lo");
		cJSON_AddNullToObject(j, "hi");
	}
}

char *ctk_status_json(const struct ctk_status_view *v)
{
	cJSON *o = cJSON_CreateObject(), *devs, *ep;
	double total_j = 0;
	char *s = NULL;

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "schema_version", 1);
	cJSON_AddNumberToObject(o, "run_id", (double)v->run_id);
	cJSON_AddStringToObject(o, "db", v->db_path ? v->db_path : "");
	cJSON_AddBoolToObject(o, "simulated", v->simulated != 0);
	add_time(o, "now", v->now_ns, 1);
	add_ns(o, "now_ns", v->now_ns);
	add_time(o, "started", v->started_ns, v->started_ns != 0);
	if (v->started_ns)
		cJSON_AddNumberToObject(o, "elapsed_s", (double)(v->now_ns - v->started_ns) / 1e9);
	else
		cJSON_AddNullToObject(o, "elapsed_s");
	devs = cJSON_AddArrayToObject(o, "devices");
	for (int i = 0; devs && i < v->ndev; i++) {
		const struct ctk_status_dev *d = &v->dev[i];
		cJSON *j = cJSON_CreateObject();
		if (!j)
			break;
		cJSON_AddItemToArray(devs, j);
		cJSON_AddNumberToObject(j, "device_id", (double)d->device_id);
		cJSON_AddStringToObject(j, "kind", d->kind ? d->kind : "");
		cJSON_AddNumberToObject(j, "index", d->idx);
		cJSON_AddStringToObject(j, "name", d->name ? d->name : "");
		cJSON_AddStringToObject(j, "uuid", d->uuid ? d->uuid : "");
		cJSON_AddNumberToObject(j, "readings", (double)d->readings);
		if (d->readings > 0) {
			cJSON_AddNumberToObject(j, "energy_j", d->energy_j);
			add_ns(j, "last_reading_ns", d->last_ns);
			total_j += d->energy_j;
		} else {
			cJSON_AddNullToObject(j, "energy_j");
			cJSON_AddNullToObject(j, "last_reading_ns");
		}
	}
	if (v->ndev > 0) {
		cJSON_AddNumberToObject(o, "energy_j", total_j);
		cJSON_AddNumberToObject(o, "energy_kwh", total_j / CTK_J_PER_KWH);
	} else {
		cJSON_AddNullToObject(o, "energy_j");
		cJSON_AddNullToObject(o, "energy_kwh");
	}
	ep = cJSON_AddObjectToObject(o, "epochs");
	if (ep) {
		cJSON_AddNumberToObject(ep, "completed", (double)v->epochs_done);
		if (v->epoch_open)
			cJSON_AddNumberToObject(ep, "current", (double)v->epoch_current);
		else
			cJSON_AddNullToObject(ep, "current");
		if (v->planned_epochs > 0)
			cJSON_AddNumberToObject(ep, "planned", v->planned_epochs);
		else
			cJSON_AddNullToObject(ep, "planned");
	}
	if (v->has_prediction) {
		cJSON *p = cJSON_AddObjectToObject(o, "prediction");
		if (p) {
			cJSON_AddStringToObject(p, "predictor", v->predictor ? v->predictor : "");
			cJSON_AddNumberToObject(p, "after_epochs", v->prediction_after_n);
			cJSON_AddNumberToObject(p, "planned_epochs", v->prediction_planned);
			cJSON_AddNumberToObject(p, "coverage", v->prediction.coverage);
			add_estimate(p, "energy_j", &v->prediction.energy_j);
			add_estimate(p, "duration_s", &v->prediction.duration_s);
			add_estimate(p, "co2_g", &v->prediction.co2_g);
			if (v->has_intensity)
				cJSON_AddNumberToObject(p, "intensity_g_per_kwh", v->intensity_g_per_kwh);
			else
				cJSON_AddNullToObject(p, "intensity_g_per_kwh");
		}
	} else {
		cJSON_AddNullToObject(o, "prediction");
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}
