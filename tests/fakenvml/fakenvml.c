/* A fake libnvidia-ml.so.1 for the tests and `make demo`: N simulated GPUs
 * whose power follows a scripted periodic piecewise-linear curve of UTC
 * wall-clock time, with an exact energy counter (the integral of that
 * curve, in mJ). It defines the functions of collector/nvml_abi.h with the
 * same declarations, so the collector's ABI is checked by the compiler.
 * Built with -DFAKENVML_OLD it is a pre-Volta driver: no energy counter, no
 * field values, no _v2 entry points (their symbols are missing).
 *
 * Environment (read at nvmlInit):
 *   CTK_FAKENVML_DEVICES=N          number of GPUs (default 1, at most 64)
 *   CTK_FAKENVML_CURVE=t:W,t:W,…    points of one period, t in s from 0
 *                                   (strictly increasing), W in watts; the
 *                                   last t is the period and its W should
 *                                   equal the first. Default 0:100,1:300,2:100.
 *                                   Device i draws curve(t) + 10·i W, where
 *                                   t = (UTC Unix time) mod period.
 *   CTK_FAKENVML_NO_COUNTER=1       energy counter NOT_SUPPORTED
 *   CTK_FAKENVML_NO_FIELDS=1        power fields NOT_SUPPORTED (GetPowerUsage still works)
 *   CTK_FAKENVML_NO_INSTANT=1       only the average power field works
 *   CTK_FAKENVML_LOST=I@MS          device I answers GPU_IS_LOST from MS ms after nvmlInit
 *   CTK_FAKENVML_RECOVER_MS=MS      … and recovers MS ms later
 *   CTK_FAKENVML_COUNTER_FAIL=I@MS  from MS ms after nvmlInit, device I's energy
 *                                   counter answers UNKNOWN (power still works)
 *   CTK_FAKENVML_UUID_TAG=N         0..65535: UUIDs GPU-fa4eNNNN-… (hex), so that
 *                                   simulated "nodes" have distinct GPUs (default 0)
 *   CTK_FAKENVML_COUNTER_SINCE=S    the counter counts from Unix time S (s) instead
 *                                   of nvmlInit, like a driver's counter that two
 *                                   processes (a SLURM prolog and epilog) both read
 *   CTK_FAKENVML_SAMPLES_MS=MS      nvmlDeviceGetSamples(NVML_TOTAL_POWER_SAMPLES)
 *                                   works: the curve's power at every multiple
 *                                   of MS ms of UTC time (the driver's own sample
 *                                   clock), the last FAKE_SAMPLE_DEPTH of them;
 *                                   unset or 0: NOT_SUPPORTED (older drivers)
 *   CTK_FAKENVML_MINORS=m,m,…       device i's minor number (its /dev/nvidiaN), which
 *                                   also makes its UUID and PCI bus (default i): a
 *                                   SLURM cgroup or container that shows GPUs 2,3 of
 *                                   a node as NVML 0,1 is DEVICES=2 MINORS=2,3 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/nvml_abi.h"

#define MAXDEV 64
#define MAXPTS 64
#define FAKE_SAMPLE_DEPTH 400 /* samples the fake driver keeps (4 s at 10 ms) */

__attribute__((visibility("default"))) const int ctk_fakenvml_simulated = 1;

struct nvmlDevice_st {
	unsigned idx;
	unsigned minor;      /* /dev/nvidiaN: the GPU's identity (UUID, bus) */
	long double e0_mj;   /* F(t_init): the counter starts at 0 at nvmlInit */
};

static struct nvmlDevice_st devs[MAXDEV];
static unsigned ndev;
static int inited;
static double pt_t[MAXPTS], pt_w[MAXPTS];
static int npts;
static int no_counter, no_fields, no_instant;
static int lost_dev = -1;
static int64_t lost_at_ns, recover_ns, init_ns;
static int cfail_dev = -1;
static unsigned uuid_tag;
static int64_t cfail_at_ns;
static int64_t sample_ns; /* CTK_FAKENVML_SAMPLES_MS in ns; 0: no sample buffer */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double period_s(void)
{
	return pt_t[npts - 1];
}

/* Power of the curve at r seconds into a period. */
static double curve_w(double r)
{
	for (int i = 1; i < npts; i++)
		if (r <= pt_t[i]) {
			double f = (r - pt_t[i - 1]) / (pt_t[i] - pt_t[i - 1]);
			return pt_w[i - 1] + f * (pt_w[i] - pt_w[i - 1]);
		}
	return pt_w[npts - 1];
}

/* Integral of the curve over [0, r] of one period, in J (trapezoids are exact). */
static long double curve_j(double r)
{
	long double e = 0;

	for (int i = 1; i < npts && r > pt_t[i - 1]; i++) {
		double b = r < pt_t[i] ? r : pt_t[i];
		e += (long double)(b - pt_t[i - 1]) * (pt_w[i - 1] + curve_w(b)) / 2;
	}
	return e;
}

/* F(t) = energy of device d from the Unix epoch to t, in mJ. */
static long double energy_mj(const struct nvmlDevice_st *d, int64_t t_ns)
{
	int64_t per_ns = (int64_t)(period_s() * 1e9 + 0.5);
	int64_t k = t_ns / per_ns, r_ns = t_ns % per_ns;
	long double per_j = curve_j(period_s());

	return ((long double)k * per_j + curve_j((double)r_ns / 1e9) +
		(long double)t_ns / 1e9L * 10.0L * d->idx) * 1000.0L;
}

static double power_w(const struct nvmlDevice_st *d, int64_t t_ns)
{
	int64_t per_ns = (int64_t)(period_s() * 1e9 + 0.5);

	return curve_w((double)(t_ns % per_ns) / 1e9) + 10.0 * d->idx;
}

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v && *v ? atoi(v) : def;
}

static int parse_curve(const char *s)
{
	npts = 0;
	while (s && *s && npts < MAXPTS) {
		char *end;
		pt_t[npts] = strtod(s, &end);
		if (*end != ':')
			return -1;
		pt_w[npts] = strtod(end + 1, &end);
		if (npts > 0 && pt_t[npts] <= pt_t[npts - 1])
			return -1;
		npts++;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return npts >= 2 && pt_t[0] == 0 ? 0 : -1;
}

static nvmlReturn_t check(nvmlDevice_t d)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	if (!d || d < devs || d >= devs + ndev)
		return NVML_ERROR_INVALID_ARGUMENT;
	if ((int)d->idx == lost_dev) {
		int64_t t = now_ns() - init_ns;
		if (t >= lost_at_ns && (recover_ns <= 0 || t < lost_at_ns + recover_ns))
			return NVML_ERROR_GPU_IS_LOST;
	}
	return NVML_SUCCESS;
}

static nvmlReturn_t do_init(void)
{
	const char *lost = getenv("CTK_FAKENVML_LOST");

	if (parse_curve(getenv("CTK_FAKENVML_CURVE") ? getenv("CTK_FAKENVML_CURVE") : "0:100,1:300,2:100"))
		return NVML_ERROR_INVALID_ARGUMENT;
	ndev = (unsigned)env_int("CTK_FAKENVML_DEVICES", 1);
	if (ndev > MAXDEV)
		ndev = MAXDEV;
	no_counter = env_int("CTK_FAKENVML_NO_COUNTER", 0);
	no_fields = env_int("CTK_FAKENVML_NO_FIELDS", 0);
	no_instant = env_int("CTK_FAKENVML_NO_INSTANT", 0);
	lost_dev = -1;
	if (lost && *lost) {
		int i, ms;
		if (sscanf(lost, "%d@%d", &i, &ms) == 2) {
			lost_dev = i;
			lost_at_ns = (int64_t)ms * 1000000;
		}
	}
	recover_ns = (int64_t)env_int("CTK_FAKENVML_RECOVER_MS", 0) * 1000000;
	cfail_dev = -1;
	if (getenv("CTK_FAKENVML_COUNTER_FAIL")) {
		int i, ms;
		if (sscanf(getenv("CTK_FAKENVML_COUNTER_FAIL"), "%d@%d", &i, &ms) == 2) {
			cfail_dev = i;
			cfail_at_ns = (int64_t)ms * 1000000;
		}
	}
	sample_ns = (int64_t)env_int("CTK_FAKENVML_SAMPLES_MS", 0) * 1000000;
	init_ns = now_ns();
	uuid_tag = (unsigned)env_int("CTK_FAKENVML_UUID_TAG", 0) & 0xffffu;
	int64_t zero_ns = getenv("CTK_FAKENVML_COUNTER_SINCE") ?
			  (int64_t)env_int("CTK_FAKENVML_COUNTER_SINCE", 0) * 1000000000 : init_ns;
	const char *minors = getenv("CTK_FAKENVML_MINORS");
	for (unsigned i = 0; i < ndev; i++) {
		devs[i].idx = i;
		devs[i].minor = i;
		if (minors && *minors) {
			char *end;
			devs[i].minor = (unsigned)strtoul(minors, &end, 10);
			minors = end + (*end == ',');
		}
		devs[i].e0_mj = 0;
		devs[i].e0_mj = energy_mj(&devs[i], zero_ns);
	}
	inited = 1;
	return NVML_SUCCESS;
}

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlInit_v2(void) { return do_init(); }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	*deviceCount = ndev;
	return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	if (index >= ndev)
		return NVML_ERROR_INVALID_ARGUMENT;
	*device = &devs[index];
	return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlInit(void) { return do_init(); }

nvmlReturn_t nvmlShutdown(void)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	inited = 0;
	return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result)
{
	switch (result) {
	case NVML_SUCCESS: return "Success";
	case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
	case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
	case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
	case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
	case NVML_ERROR_NOT_FOUND: return "Not Found";
	default: return "Unknown Error";
	}
}

nvmlReturn_t nvmlDeviceGetCount(unsigned int *deviceCount)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	*deviceCount = ndev;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	if (index >= ndev)
		return NVML_ERROR_INVALID_ARGUMENT;
	*device = &devs[index];
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)
{
	nvmlReturn_t r = check(device);

	if (r)
		return r;
	if (snprintf(name, length, "Simulated GPU (ctk fakenvml)") >= (int)length)
		return NVML_ERROR_INSUFFICIENT_SIZE;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
{
	nvmlReturn_t r = check(device);

	if (r)
		return r;
	if (snprintf(uuid, length, "GPU-fa4e%04x-0000-4000-8000-%012x", uuid_tag, device->minor) >= (int)length)
		return NVML_ERROR_INSUFFICIENT_SIZE;
	return NVML_SUCCESS;
}

/* (left out of the old fake too, so that the index fallback is exercised) */
#ifndef FAKENVML_OLD
nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int *minor)
{
	nvmlReturn_t r = check(device);

	if (r)
		return r;
	*minor = device->minor;
	return NVML_SUCCESS;
}
#endif

static nvmlReturn_t pci(nvmlDevice_t device, nvmlPciInfo_t *p)
{
	nvmlReturn_t r = check(device);

	if (r)
		return r;
	memset(p, 0, sizeof(*p));
	p->domain = 0;
	p->bus = 0x10 + device->minor;
	p->pciDeviceId = 0x20b010de;
	snprintf(p->busId, sizeof p->busId, "00000000:%02X:00.0", p->bus);
	snprintf(p->busIdLegacy, sizeof p->busIdLegacy, "0000:%02X:00.0", p->bus);
	return NVML_SUCCESS;
}

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *p) { return pci(device, p); }
#endif
nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t *p) { return pci(device, p); }

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit)
{
	nvmlReturn_t r = check(device);

	if (r)
		return r;
	*limit = 400000 + 1000 * device->idx;
	return NVML_SUCCESS;
}

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy)
{
	nvmlReturn_t r = check(device);

	if (r)
		return r;
	if (no_counter)
		return NVML_ERROR_NOT_SUPPORTED;
	if ((int)device->idx == cfail_dev && now_ns() - init_ns >= cfail_at_ns)
		return NVML_ERROR_UNKNOWN;
	*energy = (unsigned long long)(energy_mj(device, now_ns()) - device->e0_mj);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetSamples(nvmlDevice_t device, nvmlSamplingType_t type, unsigned long long lastSeenTimeStamp,
				  nvmlValueType_t *sampleValType, unsigned int *sampleCount, nvmlSample_t *samples)
{
	nvmlReturn_t r = check(device);

	if (r)
		return r;
	if (!sampleValType || !sampleCount)
		return NVML_ERROR_INVALID_ARGUMENT;
	if (sample_ns <= 0 || type != NVML_TOTAL_POWER_SAMPLES)
		return NVML_ERROR_NOT_SUPPORTED;
	/* samples at k * sample_ns, newest <= now, oldest within the depth and after lastSeen */
	int64_t k1 = now_ns() / sample_ns, k0 = k1 - FAKE_SAMPLE_DEPTH + 1;
	int64_t seen = (int64_t)(lastSeenTimeStamp * 1000ULL);
	if (seen >= k0 * sample_ns)
		k0 = seen / sample_ns + 1;
	if (k0 * sample_ns < init_ns) /* the driver started sampling at nvmlInit */
		k0 = init_ns / sample_ns + 1;
	*sampleValType = NVML_VALUE_TYPE_UNSIGNED_INT;
	if (k0 > k1)
		return NVML_ERROR_NOT_FOUND;
	if (!samples) {
		*sampleCount = (unsigned)(k1 - k0 + 1);
		return NVML_SUCCESS;
	}
	unsigned n = 0;
	for (int64_t k = k0; k <= k1 && n < *sampleCount; k++, n++) {
		samples[n].timeStamp = (unsigned long long)(k * sample_ns / 1000);
		samples[n].sampleValue.uiVal = (unsigned int)(power_w(device, k * sample_ns) * 1000.0 + 0.5);
	}
	*sampleCount = n;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int valuesCount, nvmlFieldValue_t *values)
{
	nvmlReturn_t r = check(device);
	int64_t t = now_ns();

	if (r)
		return r;
	if (valuesCount < 0 || !values)
		return NVML_ERROR_INVALID_ARGUMENT;
	for (int i = 0; i < valuesCount; i++) {
		nvmlFieldValue_t *v = &values[i];
		v->timestamp = t / 1000;
		v->latencyUsec = 0;
		v->valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
		if (no_fields || (v->fieldId != NVML_FI_DEV_POWER_AVERAGE && v->fieldId != NVML_FI_DEV_POWER_INSTANT) ||
		    (no_instant && v->fieldId == NVML_FI_DEV_POWER_INSTANT)) {
			v->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
			continue;
		}
		v->nvmlReturn = NVML_SUCCESS;
		v->value.uiVal = (unsigned int)(power_w(device, t) * 1000.0 + 0.5);
	}
	return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power)
{
	nvmlReturn_t r = check(device);

	if (r)
		return r;
	*power = (unsigned int)(power_w(device, now_ns()) * 1000.0 + 0.5);
	return NVML_SUCCESS;
}
