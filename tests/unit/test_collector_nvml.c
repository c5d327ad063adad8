/* Unit tests of the NVML source against tests/fakenvml (loaded by dlopen
 * exactly as the real libnvidia-ml.so.1): device identity, the energy
 * counter and power signals with their degradations (no counter, no field
 * values, average only, a pre-Volta library without the symbols), device
 * selection by index/UUID/MIG, and a GPU lost mid-run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "collector/gpusel.h"
#include "collector/sources.h"
#include "tests/unit/collector_util.h"

static char warned[4096];

static void capture(void *ctx, const char *msg)
{
	(void)ctx;
	snprintf(warned + strlen(warned), sizeof warned - strlen(warned), "%s\n", msg);
}

/* Curve: a constant 200 W (device i: 200 + 10·i W), so power is exact. */
static void reset_env(int n)
{
	char b[16];

	snprintf(b, sizeof b, "%d", n);
	setenv("CTK_FAKENVML_DEVICES", b, 1);
	setenv("CTK_FAKENVML_CURVE", "0:200,1:200", 1);
	unsetenv("CTK_FAKENVML_NO_COUNTER");
	unsetenv("CTK_FAKENVML_NO_FIELDS");
	unsetenv("CTK_FAKENVML_NO_INSTANT");
	unsetenv("CTK_FAKENVML_LOST");
	unsetenv("CTK_FAKENVML_RECOVER_MS");
	unsetenv("CTK_FAKENVML_COUNTER_FAIL");
	warned[0] = '\0';
}

static char libpath[PATH_MAX];

static int open_nvml(struct ctk_source *s, struct ctk_source_opts *o, const char *lib, const char *sel_spec,
		     struct ctk_gpusel *sel, struct ctk_error *err)
{
	memset(s, 0, sizeof(*s));
	memset(o, 0, sizeof(*o));
	o->nvml_lib = tu_path(libpath, sizeof libpath, lib);
	o->warn = capture;
	o->sysfs_root = "/nonexistent";
	if (sel_spec) {
		assert_int_equal(ctk_gpusel_parse(sel_spec, "--gpus", sel, NULL), 0);
		o->gpus = sel;
	}
	s->ops = &ctk_source_nvml;
	s->opts = o;
	return s->ops->open(s, o, err);
}

static void done(struct ctk_source *s)
{
	s->ops->close(s);
	ctk_source_release(s);
}

static void identity_and_counter(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_error err;

	(void)state;
	reset_env(3);
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", NULL, NULL, &err), 0);
	assert_int_equal(s.simulated, 1);
	assert_int_equal(s.nch, 3);
	for (int i = 0; i < 3; i++) {
		struct ctk_channel *ch = &s.ch[i];
		char uuid[64], bus[32];
		snprintf(uuid, sizeof uuid, "GPU-fa4e0000-0000-4000-8000-%012x", i);
		snprintf(bus, sizeof bus, "00000000:%02X:00.0", 0x10 + i);
		assert_string_equal(ch->kind, "gpu");
		assert_string_equal(ch->vendor, "nvidia");
		assert_string_equal(ch->uuid, uuid);
		assert_string_equal(ch->bus_id, bus);
		assert_string_equal(ch->name, "Simulated GPU (ctk fakenvml)");
		assert_int_equal(ch->idx, i);
		assert_true(ch->has_power_limit);
		assert_true(ch->power_limit_w == 400.0 + i);
		assert_string_equal(ch->flags, "simulated");
		assert_int_equal(s.ops->read(&s, ch, &err), 0);
		assert_string_equal(ch->signal, "counter");
		assert_true(ch->r.has_energy && ch->r.has_power);
		assert_int_equal(ch->r.power_mw, 200000 + 10000 * i); /* the instant field */
	}
	/* the counter grows by 200 W × elapsed time */
	int64_t e0 = s.ch[0].r.energy_uj, t0 = s.ch[0].r.t_ns;
	struct timespec ts = {0, 50 * 1000 * 1000};
	nanosleep(&ts, NULL);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	double want = 200.0 * (double)(s.ch[0].r.t_ns - t0) / 1e9 * 1e6; /* uJ */
	double got = (double)(s.ch[0].r.energy_uj - e0);
	/* the mJ resolution and timing (valgrind's slowdown widens the latter) */
	double tol = getenv("CTK_VALGRIND") ? 0.2 * want + 2000 : 2000;
	assert_true(got > want - tol && got < want + tol);
	done(&s);
}

static void degradations(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_error err;

	(void)state;
	reset_env(1);
	setenv("CTK_FAKENVML_NO_COUNTER", "1", 1);
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", NULL, NULL, &err), 0);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_string_equal(s.ch[0].signal, "power_instant");
	assert_false(s.ch[0].r.has_energy);
	assert_int_equal(s.ch[0].r.power_mw, 200000);
	assert_non_null(strstr(warned, "no energy counter"));
	done(&s);

	setenv("CTK_FAKENVML_NO_INSTANT", "1", 1);
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", NULL, NULL, &err), 0);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_string_equal(s.ch[0].signal, "power_avg_1s");
	done(&s);

	setenv("CTK_FAKENVML_NO_FIELDS", "1", 1);
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", NULL, NULL, &err), 0);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_string_equal(s.ch[0].signal, "power_draw");
	assert_int_equal(s.ch[0].r.power_mw, 200000);
	done(&s);
}

static void pre_volta_library(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_error err;

	(void)state;
	reset_env(2);
	/* no _v2 symbols, no counter, no field values: falls back, never 0 */
	assert_int_equal(open_nvml(&s, &o, "fakenvml/old/libnvidia-ml.so.1", NULL, NULL, &err), 0);
	assert_int_equal(s.nch, 2);
	assert_string_equal(s.ch[1].bus_id, "00000000:11:00.0"); /* through GetPciInfo_v2 */
	assert_int_equal(s.ops->read(&s, &s.ch[1], &err), 0);
	assert_string_equal(s.ch[1].signal, "power_draw");
	assert_false(s.ch[1].r.has_energy);
	assert_int_equal(s.ch[1].r.power_mw, 210000);
	done(&s);
}

static void selection(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_gpusel sel;
	struct ctk_error err;

	(void)state;
	reset_env(4);
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", "3,1", &sel, &err), 0);
	assert_int_equal(s.nch, 2);
	assert_int_equal(s.ch[0].idx, 1);
	assert_int_equal(s.ch[1].idx, 3);
	done(&s);
	/* a unique UUID prefix, as CUDA accepts */
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", "GPU-fa4e0000-0000-4000-8000-000000000002", &sel, &err), 0);
	assert_int_equal(s.nch, 1);
	assert_int_equal(s.ch[0].idx, 2);
	done(&s);
	/* a MIG instance: its parent is measured and flagged */
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", "MIG-GPU-fa4e0000-0000-4000-8000-000000000001/1/0", &sel, &err), 0);
	assert_int_equal(s.nch, 1);
	assert_int_equal(s.ch[0].idx, 1);
	assert_string_equal(s.ch[0].flags, "mig-parent,simulated");
	done(&s);
	/* a GPU that is not there is an error, never "all GPUs" */
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", "7", &sel, &err), CTK_EDEVICE);
	assert_non_null(strstr(err.msg, "index 7 not found"));
	done(&s);
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", "none", &sel, &err), 0);
	assert_int_equal(s.nch, 0);
	done(&s);
}

static void gpu_lost_mid_run(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_error err;
	struct timespec ts = {0, 60 * 1000 * 1000};

	(void)state;
	reset_env(2);
	setenv("CTK_FAKENVML_LOST", "1@40", 1);
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", NULL, NULL, &err), 0);
	assert_int_equal(s.ops->read(&s, &s.ch[1], &err), 0);
	nanosleep(&ts, NULL);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_int_equal(s.ops->read(&s, &s.ch[1], &err), CTK_EDEVICE);
	assert_non_null(strstr(err.msg, "GPU is lost"));
	done(&s);
}

static void counter_fails_power_goes_on(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_error err;
	struct timespec ts = {0, 40 * 1000 * 1000};

	(void)state;
	reset_env(1);
	setenv("CTK_FAKENVML_COUNTER_FAIL", "0@20", 1);
	assert_int_equal(open_nvml(&s, &o, "fakenvml/libnvidia-ml.so.1", NULL, NULL, &err), 0);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_string_equal(s.ch[0].signal, "counter");
	nanosleep(&ts, NULL);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
		assert_string_equal(s.ch[0].signal, "power_instant"); /* degraded, said so */
		assert_false(s.ch[0].r.has_energy);
		assert_int_equal(s.ch[0].r.power_mw, 200000);
	}
	/* warned at the 1st and 2nd failure, not at the 3rd */
	const char *p = strstr(warned, "energy counter: Unknown Error (1 time(s))");
	assert_non_null(p);
	assert_non_null(strstr(p, "(2 time(s))"));
	assert_null(strstr(p, "(3 time(s))"));
	done(&s);
}

static void missing_library(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_error err;

	(void)state;
	reset_env(1);
	assert_int_equal(open_nvml(&s, &o, "fakenvml/nope.so", NULL, NULL, &err), CTK_EDEVICE);
	assert_non_null(strstr(err.msg, "cannot load"));
	done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identity_and_counter),
		cmocka_unit_test(degradations),
		cmocka_unit_test(pre_volta_library),
		cmocka_unit_test(selection),
		cmocka_unit_test(gpu_lost_mid_run),
		cmocka_unit_test(counter_fails_power_goes_on),
		cmocka_unit_test(missing_library),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
