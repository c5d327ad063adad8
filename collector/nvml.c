/* NVIDIA GPUs through NVML, loaded with dlopen so ctk has no link-time
 * dependency on the driver: $CTK_NVML_LIB, else libnvidia-ml.so.1, else
 * libnvidia-ml.so. Per device it records name, UUID, PCI bus id, index and
 * enforced power limit; every tick the cumulative energy counter (Volta+)
 * and the power (instant field, else the ~1 s average field, else
 * nvmlDeviceGetPowerUsage). A missing or NOT_SUPPORTED function degrades
 * to what remains, and the signal of each reading says what was read.
 * Batches (issue 18): where the driver keeps its own power samples
 * (nvmlDeviceGetSamples) and has the counter, the sampler may instead wake
 * once a second and take the samples since the last wake-up (see
 * nvml_read_batch). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/nvml_abi.h"
#include "collector/sources.h"
#include "common/time.h"

struct nvml {
	void *lib;
	int inited;
#define CTK_NVML_PTR(ret, name, args) name##_fn *name;
	CTK_NVML_FUNCS(CTK_NVML_PTR)
#undef CTK_NVML_PTR
};

/* Driver samples taken per batch: 1 s of samples at a 2 ms clock (our
 * choice; a longer buffer's older samples are read at the next batch). */
#define NVML_BATCH_CAP 512

struct nvml_dev {
	nvmlDevice_t h;
	int has_counter;  /* nvmlDeviceGetTotalEnergyConsumption works */
	int has_instant;  /* NVML_FI_DEV_POWER_INSTANT works */
	int has_average;  /* NVML_FI_DEV_POWER_AVERAGE works */
	int has_usage;    /* nvmlDeviceGetPowerUsage works */
	int64_t counter_fails; /* rounds whose counter read failed while power worked */
	/* batches: the driver's power samples between two counter reads */
	int has_samples;  /* nvmlDeviceGetSamples(NVML_TOTAL_POWER_SAMPLES) works */
	unsigned long long last_seen_us; /* newest driver sample taken */
	int has_anchor, has_anchor_p;    /* the previous batch's counter read … */
	int64_t anchor_t_ns, anchor_uj, anchor_p_mw;
	nvmlSample_t buf[NVML_BATCH_CAP];
	int64_t st_ns[NVML_BATCH_CAP], sp_mw[NVML_BATCH_CAP]; /* samples kept, in time order */
	double cum[NVML_BATCH_CAP];  /* integral of power from the anchor to each, mW·ns */
};

static const char *nv_err(const struct nvml *nv, nvmlReturn_t r)
{
	static char buf[32];

	if (nv->nvmlErrorString) {
		const char *s = nv->nvmlErrorString(r);
		if (s)
			return s;
	}
	snprintf(buf, sizeof buf, "NVML error %d", (int)r);
	return buf;
}

/* dlopen the library and resolve every symbol it has (missing ones stay NULL). */
static int nvml_load(struct nvml *nv, const struct ctk_source_opts *o, int *simulated,
		     struct ctk_error *err)
{
	const char *env = o->nvml_lib ? o->nvml_lib : getenv("CTK_NVML_LIB");
	const char *names[] = {"libnvidia-ml.so.1", "libnvidia-ml.so", NULL};

	if (env && *env) {
		nv->lib = dlopen(env, RTLD_NOW | RTLD_LOCAL);
		if (!nv->lib)
			return ctk_failf(err, CTK_EDEVICE, "CTK_NVML_LIB='%s': cannot load: %s", env, dlerror());
	} else {
		for (int i = 0; names[i] && !nv->lib; i++)
			nv->lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (!nv->lib)
			return 1; /* no NVIDIA driver: no NVIDIA GPUs */
	}
#define CTK_NVML_SYM(ret, name, args) nv->name = (name##_fn *)dlsym(nv->lib, #name);
	CTK_NVML_FUNCS(CTK_NVML_SYM)
#undef CTK_NVML_SYM
	*simulated = dlsym(nv->lib, CTK_FAKENVML_SYMBOL) != NULL;
	/* older drivers: the unversioned names have the same signatures */
	if (!nv->nvmlInit_v2)
		nv->nvmlInit_v2 = nv->nvmlInit;
	if (!nv->nvmlDeviceGetCount_v2)
		nv->nvmlDeviceGetCount_v2 = nv->nvmlDeviceGetCount;
	if (!nv->nvmlDeviceGetHandleByIndex_v2)
		nv->nvmlDeviceGetHandleByIndex_v2 = nv->nvmlDeviceGetHandleByIndex;
	if (!nv->nvmlDeviceGetPciInfo_v3)
		nv->nvmlDeviceGetPciInfo_v3 = nv->nvmlDeviceGetPciInfo_v2;
	if (!nv->nvmlInit_v2 || !nv->nvmlShutdown || !nv->nvmlDeviceGetCount_v2 ||
	    !nv->nvmlDeviceGetHandleByIndex_v2)
		return ctk_failf(err, CTK_EDEVICE, "'%s': not an NVML library (nvmlInit/nvmlDeviceGetCount missing)",
				 env && *env ? env : "libnvidia-ml.so.1");
	return 0;
}

/* Find out once what this device supports. */
static void probe(struct nvml *nv, struct nvml_dev *d)
{
	unsigned long long e;
	unsigned int p;
	nvmlFieldValue_t fv[2];

	d->has_counter = nv->nvmlDeviceGetTotalEnergyConsumption &&
			 nv->nvmlDeviceGetTotalEnergyConsumption(d->h, &e) == NVML_SUCCESS;
	if (nv->nvmlDeviceGetFieldValues) {
		memset(fv, 0, sizeof fv);
		fv[0].fieldId = NVML_FI_DEV_POWER_INSTANT;
		fv[1].fieldId = NVML_FI_DEV_POWER_AVERAGE;
		if (nv->nvmlDeviceGetFieldValues(d->h, 2, fv) == NVML_SUCCESS) {
			d->has_instant = fv[0].nvmlReturn == NVML_SUCCESS;
			d->has_average = fv[1].nvmlReturn == NVML_SUCCESS;
		}
	}
	d->has_usage = nv->nvmlDeviceGetPowerUsage && nv->nvmlDeviceGetPowerUsage(d->h, &p) == NVML_SUCCESS;
	if (nv->nvmlDeviceGetSamples) {
		nvmlValueType_t vt;
		unsigned int n = 0;
		nvmlReturn_t r = nv->nvmlDeviceGetSamples(d->h, NVML_TOTAL_POWER_SAMPLES, 0, &vt, &n, NULL);
		d->has_samples = r == NVML_SUCCESS || r == NVML_ERROR_NOT_FOUND;
	}
}

/* The number an index of the selection names device h by: its minor number
 * (/dev/nvidiaN) where the selection counts those and the driver says it,
 * else NVML's index i (see gpusel.h). */
static unsigned selection_number(struct nvml *nv, const struct ctk_gpusel *sel, unsigned i, nvmlDevice_t h)
{
	unsigned minor;

	if (sel->by_minor && nv->nvmlDeviceGetMinorNumber && nv->nvmlDeviceGetMinorNumber(h, &minor) == NVML_SUCCESS)
		return minor;
	return i;
}

/* Is device h (with uuid, index i) selected? Sets *mig when chosen through a MIG item. */
static int selected(struct nvml *nv, const struct ctk_gpusel *sel, unsigned i, const char *uuid,
		    nvmlDevice_t h, int *mig, int *used)
{
	int hit = 0;
	unsigned number;

	*mig = 0;
	if (!sel || sel->all)
		return 1;
	number = selection_number(nv, sel, i, h);
	for (int k = 0; k < sel->n; k++) {
		const struct ctk_gpusel_item *it = &sel->item[k];
		int match = 0;
		if (it->index >= 0)
			match = (unsigned)it->index == number;
		else if (!strncmp(it->uuid, "GPU-", 4))
			match = *uuid && !strncmp(uuid, it->uuid, strlen(it->uuid));
		else if (nv->nvmlDeviceGetHandleByUUID && nv->nvmlDeviceGetDeviceHandleFromMigDeviceHandle) {
			nvmlDevice_t m, parent;
			match = nv->nvmlDeviceGetHandleByUUID(it->uuid, &m) == NVML_SUCCESS &&
				nv->nvmlDeviceGetDeviceHandleFromMigDeviceHandle(m, &parent) == NVML_SUCCESS &&
				parent == h;
		}
		if (match) {
			hit = 1;
			used[k] = 1;
			*mig |= it->mig;
		}
	}
	return hit;
}

/* Do the GPUs of this machine differ in model (so CUDA's default order may
 * differ from NVML's)? */
static int mixed_models(struct nvml *nv, unsigned count)
{
	char first[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = "", name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];

	if (!nv->nvmlDeviceGetName)
		return 0;
	for (unsigned i = 0; i < count; i++) {
		nvmlDevice_t h;
		if (nv->nvmlDeviceGetHandleByIndex_v2(i, &h) != NVML_SUCCESS ||
		    nv->nvmlDeviceGetName(h, name, sizeof name) != NVML_SUCCESS)
			continue;
		if (!first[0])
			snprintf(first, sizeof first, "%s", name);
		else if (strcmp(first, name))
			return 1;
	}
	return 0;
}

static int nvml_open(struct ctk_source *s, const struct ctk_source_opts *o, struct ctk_error *err)
{
	struct nvml *nv = calloc(1, sizeof(*nv));
	const struct ctk_gpusel *sel = o->gpus;
	int used[CTK_GPUSEL_MAX] = {0};
	unsigned int count = 0;
	nvmlReturn_t r;
	int rc;

	if (!nv)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	s->state = nv;
	if (sel && !sel->all && sel->n == 0)
		return 0; /* no GPU selected: do not even load the driver */
	rc = nvml_load(nv, o, &s->simulated, err);
	if (rc == 1) {
		if (sel && !sel->all)
			return ctk_failf(err, CTK_EDEVICE, "%s selects GPUs but NVML (libnvidia-ml.so.1) cannot be loaded: %s",
					 sel->from, dlerror());
		return 0;
	}
	if (rc)
		return rc;
	if ((r = nv->nvmlInit_v2()) != NVML_SUCCESS)
		return ctk_failf(err, CTK_EDEVICE, "nvmlInit: %s", nv_err(nv, r));
	nv->inited = 1;
	if ((r = nv->nvmlDeviceGetCount_v2(&count)) != NVML_SUCCESS)
		return ctk_failf(err, CTK_EDEVICE, "nvmlDeviceGetCount: %s", nv_err(nv, r));
	for (unsigned i = 0; i < count; i++) {
		struct nvml_dev d = {0};
		char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = "";
		int mig;
		if ((r = nv->nvmlDeviceGetHandleByIndex_v2(i, &d.h)) != NVML_SUCCESS) {
			if (!sel || sel->all) {
				ctk_source_warn(s, "nvml: GPU %u: %s: not measured", i, nv_err(nv, r));
				continue;
			}
			return ctk_failf(err, CTK_EDEVICE, "nvml: GPU %u: %s", i, nv_err(nv, r));
		}
		if (nv->nvmlDeviceGetUUID && nv->nvmlDeviceGetUUID(d.h, uuid, sizeof uuid) != NVML_SUCCESS)
			uuid[0] = '\0';
		if (!selected(nv, sel, i, uuid, d.h, &mig, used))
			continue;
		struct ctk_channel *ch = ctk_source_add(s);
		struct nvml_dev *pd = malloc(sizeof(*pd));
		if (!ch || !pd) {
			free(pd);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		probe(nv, &d);
		*pd = d;
		ch->priv = pd;
		snprintf(ch->kind, sizeof ch->kind, "gpu");
		snprintf(ch->vendor, sizeof ch->vendor, "nvidia");
		snprintf(ch->uuid, sizeof ch->uuid, "%s", uuid);
		ch->idx = (int)i;
		if (nv->nvmlDeviceGetName && nv->nvmlDeviceGetName(d.h, ch->name, sizeof ch->name) != NVML_SUCCESS)
			ch->name[0] = '\0';
		nvmlPciInfo_t pci;
		memset(&pci, 0, sizeof pci);
		if (nv->nvmlDeviceGetPciInfo_v3 && nv->nvmlDeviceGetPciInfo_v3(d.h, &pci) == NVML_SUCCESS)
			snprintf(ch->bus_id, sizeof ch->bus_id, "%.*s", (int)sizeof pci.busId, pci.busId);
		unsigned int limit_mw;
		if (nv->nvmlDeviceGetEnforcedPowerLimit &&
		    nv->nvmlDeviceGetEnforcedPowerLimit(d.h, &limit_mw) == NVML_SUCCESS) {
			ch->power_limit_w = limit_mw / 1000.0;
			ch->has_power_limit = 1;
		}
		snprintf(ch->flags, sizeof ch->flags, "%s%s%s", mig ? "mig-parent" : "",
			 mig && s->simulated ? "," : "", s->simulated ? "simulated" : "");
		if (!pd->has_counter && !pd->has_instant && !pd->has_average && !pd->has_usage) {
			ch->measured = 0;
			snprintf(ch->flags + strlen(ch->flags), sizeof ch->flags - strlen(ch->flags), "%snot-measured",
				 ch->flags[0] ? "," : "");
			ctk_source_warn(s, "nvml: GPU %u (%s): neither energy nor power can be read: not measured",
					i, ch->name);
		} else if (!pd->has_counter) {
			ctk_source_warn(s, "nvml: GPU %u (%s): no energy counter (pre-Volta or not supported): "
					"integrating %s power instead", i, ch->name,
					pd->has_instant ? "instant" : pd->has_average ? "1 s average" : "nvmlDeviceGetPowerUsage");
		}
	}
	if (sel && !sel->all && !strcmp(sel->from, "CUDA_VISIBLE_DEVICES") && mixed_models(nv, count)) {
		const char *order = getenv("CUDA_DEVICE_ORDER");
		int by_index = 0;
		for (int k = 0; k < sel->n; k++)
			by_index |= sel->item[k].index >= 0;
		if (by_index && (!order || strcmp(order, "PCI_BUS_ID")))
			ctk_source_warn(s, "nvml: this machine has different GPU models and CUDA numbers them fastest first "
					"unless CUDA_DEVICE_ORDER=PCI_BUS_ID, while NVML uses PCI order: the indices in "
					"CUDA_VISIBLE_DEVICES may name other GPUs here (set CUDA_DEVICE_ORDER=PCI_BUS_ID or use GPU-UUIDs)");
	}
	if (sel && !sel->all)
		for (int k = 0; k < sel->n; k++)
			if (!used[k]) {
				const struct ctk_gpusel_item *it = &sel->item[k];
				char what[112];
				if (it->index >= 0 && sel->by_minor)
					snprintf(what, sizeof what, "/dev/nvidia%d", it->index);
				else if (it->index >= 0)
					snprintf(what, sizeof what, "index %d", it->index);
				else
					snprintf(what, sizeof what, "'%s'", it->uuid);
				return ctk_failf(err, CTK_EDEVICE, "%s: GPU %s not found (NVML sees %u GPU(s))",
						 sel->from, what, count);
			}
	return 0;
}

/* An NVML value in mW as int64; 0 for an unknown type. */
static int value_mw(nvmlValueType_t t, const nvmlValue_t *v, int64_t *mw)
{
	switch (t) {
	case NVML_VALUE_TYPE_UNSIGNED_INT: *mw = v->uiVal; return 1;
	case NVML_VALUE_TYPE_SIGNED_INT: *mw = v->siVal; return 1;
	case NVML_VALUE_TYPE_UNSIGNED_LONG: *mw = (int64_t)v->ulVal; return 1;
	case NVML_VALUE_TYPE_UNSIGNED_LONG_LONG: *mw = (int64_t)v->ullVal; return 1;
	case NVML_VALUE_TYPE_SIGNED_LONG_LONG: *mw = v->sllVal; return 1;
	case NVML_VALUE_TYPE_DOUBLE: /* NaN or out of range: not a value */
		if (!(v->dVal > -1e15 && v->dVal < 1e15))
			return 0;
		*mw = (int64_t)(v->dVal + 0.5);
		return 1;
	default: return 0;
	}
}

static int nvml_read(struct ctk_source *s, struct ctk_channel *ch, struct ctk_error *err)
{
	struct nvml *nv = s->state;
	struct nvml_dev *d = ch->priv;
	nvmlReturn_t r = NVML_SUCCESS, rp = NVML_SUCCESS;
	unsigned long long e_mj = 0;
	int have_e = 0, have_p = 0;
	int64_t p_mw = 0;
	const char *psig = NULL;

	if (d->has_counter) {
		r = nv->nvmlDeviceGetTotalEnergyConsumption(d->h, &e_mj);
		if (r == NVML_SUCCESS) {
			have_e = 1;
		} else if (r == NVML_ERROR_NOT_SUPPORTED) {
			d->has_counter = 0;
			ctk_source_warn(s, "nvml: GPU %d: energy counter no longer supported: integrating power from now on",
					ch->idx);
		}
	}
	if (d->has_instant || d->has_average) {
		nvmlFieldValue_t fv[2];
		memset(fv, 0, sizeof fv);
		fv[0].fieldId = NVML_FI_DEV_POWER_INSTANT;
		fv[1].fieldId = NVML_FI_DEV_POWER_AVERAGE;
		rp = nv->nvmlDeviceGetFieldValues(d->h, 2, fv);
		for (int k = 0; rp == NVML_SUCCESS && k < 2 && !have_p; k++) {
			if (fv[k].nvmlReturn != NVML_SUCCESS || !(k == 0 ? d->has_instant : d->has_average))
				continue;
			if (!value_mw(fv[k].valueType, &fv[k].value, &p_mw))
				continue;
			have_p = 1;
			psig = k == 0 ? "power_instant" : "power_avg_1s";
		}
	}
	if (!have_p && d->has_usage) {
		unsigned int mw;
		rp = nv->nvmlDeviceGetPowerUsage(d->h, &mw);
		if (rp == NVML_SUCCESS) {
			p_mw = mw;
			have_p = 1;
			psig = "power_draw";
		}
	}
	ch->r.t_ns = ctk_now_ns();
	if (!have_e && !have_p)
		return ctk_failf(err, CTK_EDEVICE, "nvml: GPU %d: %s", ch->idx,
				 nv_err(nv, r != NVML_SUCCESS ? r : rp));
	if (d->has_counter && !have_e) {
		/* degrade to power for this round, say so at growing intervals */
		d->counter_fails++;
		if ((d->counter_fails & (d->counter_fails - 1)) == 0)
			ctk_source_warn(s, "nvml: GPU %d: energy counter: %s (%lld time(s)): storing power for those rounds",
					ch->idx, nv_err(nv, r), (long long)d->counter_fails);
	}
	ch->r.has_energy = (uint8_t)have_e;
	ch->r.energy_uj = (int64_t)e_mj * 1000;
	ch->r.has_power = (uint8_t)have_p;
	ch->r.power_mw = p_mw;
	ch->signal = have_e ? "counter" : psig;
	return 0;
}

static int nvml_can_batch(struct ctk_source *s, struct ctk_channel *ch)
{
	const struct nvml_dev *d = ch->priv;

	(void)s;
	return d && d->has_samples && d->has_counter ? 2 : 0;
}

/* One batch: the driver's power samples newer than the last one taken, then
 * the energy counter, read now. The counter read is the batch's last reading;
 * at most one sample per interval between the previous counter read and this
 * one is a reading too, its counter value the previous read plus the
 * counter's increase shared out in proportion to the integral of the
 * driver's samples up to it (trapezoids; linear in time where the samples
 * integrate to 0), so every reading carries a counter, the counter reads are
 * exact and the energy between them follows the measured power. The first
 * batch, and one after the counter went back (a driver reset), is the
 * counter read alone. */
static int nvml_read_batch(struct ctk_source *s, struct ctk_channel *ch, int64_t interval_ns, ctk_emit_fn *emit,
			   void *ctx, struct ctk_error *err)
{
	struct nvml *nv = s->state;
	struct nvml_dev *d = ch->priv;
	unsigned int n = NVML_BATCH_CAP;
	nvmlValueType_t vt = NVML_VALUE_TYPE_UNSIGNED_INT;
	unsigned long long e_mj = 0, seen = d->last_seen_us;
	nvmlReturn_t rs = nv->nvmlDeviceGetSamples(d->h, NVML_TOTAL_POWER_SAMPLES, d->last_seen_us, &vt, &n, d->buf);
	int64_t t_b = ctk_now_ns();
	nvmlReturn_t r = nv->nvmlDeviceGetTotalEnergyConsumption(d->h, &e_mj);
	/* the counter read stamped at the middle of its call */
	int64_t t_e = t_b + (ctk_now_ns() - t_b) / 2, e_uj = (int64_t)e_mj * 1000;
	int m = 0, emitted = 0;

	if (r != NVML_SUCCESS)
		return ctk_failf(err, CTK_EDEVICE, "nvml: GPU %d: energy counter: %s", ch->idx, nv_err(nv, r));
	if (rs != NVML_SUCCESS || n > NVML_BATCH_CAP)
		n = 0; /* NOT_FOUND: none new; an error: this batch has the counter only */
	int fresh = d->has_anchor && e_uj >= d->anchor_uj && t_e > d->anchor_t_ns;
	int64_t tp = fresh ? d->anchor_t_ns : t_e;
	int64_t pp = d->has_anchor_p ? d->anchor_p_mw : -1;
	double cum = 0;
	for (unsigned int i = 0; i < n; i++) {
		int64_t p, t;
		if (d->buf[i].timeStamp > (unsigned long long)(INT64_MAX / 1000))
			continue; /* not a time */
		t = (int64_t)d->buf[i].timeStamp * 1000;
		if (t >= t_e || !value_mw(vt, &d->buf[i].sampleValue, &p) || p < 0)
			continue; /* newer than the counter read: the next batch's */
		if (d->buf[i].timeStamp > seen)
			seen = d->buf[i].timeStamp;
		if (t <= tp) {
			if (!fresh)
				pp = p; /* the power at the first counter read: the newest sample */
			continue;
		}
		if (pp < 0)
			pp = p;
		cum += 0.5 * (double)(pp + p) * (double)(t - tp);
		d->st_ns[m] = t;
		d->sp_mw[m] = p;
		d->cum[m++] = cum;
		tp = t;
		pp = p;
	}
	d->last_seen_us = seen;
	if (fresh) {
		double total = cum + (pp > 0 ? (double)pp * (double)(t_e - tp) : 0);
		double de = (double)(e_uj - d->anchor_uj), span = (double)(t_e - d->anchor_t_ns);
		/* one reading per interval, the counter read included: the span
		 * since the last counter read cut into round(span / interval)
		 * equal steps, each inner step's reading the driver's sample
		 * nearest to it (one sample never twice: where the driver's clock
		 * is slower than the interval, fewer readings) */
		int64_t span_ns = t_e - d->anchor_t_ns, steps = (span_ns + interval_ns / 2) / interval_ns;
		int64_t prev = d->anchor_t_ns;
		int k = 0;
		for (int64_t j = 1; j < steps && m > 0; j++) {
			int64_t target = d->anchor_t_ns + (int64_t)((double)span_ns * (double)j / (double)steps);
			while (k + 1 < m && llabs(d->st_ns[k + 1] - target) <= llabs(d->st_ns[k] - target))
				k++;
			if (d->st_ns[k] <= prev)
				continue;
			double f = total > 0 ? d->cum[k] / total : (double)(d->st_ns[k] - d->anchor_t_ns) / span;
			ch->r.t_ns = d->st_ns[k];
			ch->r.power_mw = d->sp_mw[k];
			ch->r.has_power = 1;
			ch->r.energy_uj = d->anchor_uj + (int64_t)(de * f + 0.5);
			ch->r.has_energy = 1;
			ch->signal = "counter";
			emit(ctx, ch);
			emitted++;
			prev = d->st_ns[k];
		}
	}
	ch->r.t_ns = t_e;
	ch->r.energy_uj = e_uj;
	ch->r.has_energy = 1;
	ch->r.has_power = pp >= 0;
	ch->r.power_mw = pp >= 0 ? pp : 0;
	ch->signal = "counter";
	emit(ctx, ch);
	d->has_anchor = 1;
	d->anchor_t_ns = t_e;
	d->anchor_uj = e_uj;
	d->has_anchor_p = pp >= 0;
	d->anchor_p_mw = pp;
	return emitted + 1;
}

static void nvml_close(struct ctk_source *s)
{
	struct nvml *nv = s->state;

	if (!nv)
		return;
	if (nv->inited)
		nv->nvmlShutdown();
	if (nv->lib)
		dlclose(nv->lib);
	free(nv);
	s->state = NULL;
}

const struct ctk_source_ops ctk_source_nvml = {
	.name = "nvml",
	.summary = "NVIDIA GPUs: energy counter and power through NVML (dlopen)",
	.open = nvml_open,
	.read = nvml_read,
	.can_batch = nvml_can_batch,
	.read_batch = nvml_read_batch,
	.close = nvml_close,
};
