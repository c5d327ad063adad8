/* Unit tests of the NVML source's batches (issue 18) against tests/fakenvml
 * with its own sample clock (CTK_FAKENVML_SAMPLES_MS): which devices can
 * batch, one reading per interval between two counter reads, every counter
 * value equal to constant power times the time since the first read, and a
 * lost GPU emitting nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <time.h>

#include "collector/sources.h"
#include "tests/unit/collector_util.h"

static char libpath[PATH_MAX];

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

/* A constant 200 W (device i: 200 + 10·i W): power and energy are exact. */
static void env(const char *samples_ms, int no_counter, const char *lost)
{
	setenv("CTK_FAKENVML_DEVICES", "2", 1);
	setenv("CTK_FAKENVML_CURVE", "0:200,1:200", 1);
	if (samples_ms)
		setenv("CTK_FAKENVML_SAMPLES_MS", samples_ms, 1);
	else
		unsetenv("CTK_FAKENVML_SAMPLES_MS");
	if (no_counter)
		setenv("CTK_FAKENVML_NO_COUNTER", "1", 1);
	else
		unsetenv("CTK_FAKENVML_NO_COUNTER");
	if (lost)
		setenv("CTK_FAKENVML_LOST", lost, 1);
	else
		unsetenv("CTK_FAKENVML_LOST");
}

static void open_nvml(struct ctk_source *s, struct ctk_source_opts *o)
{
	struct ctk_error err;

	memset(s, 0, sizeof(*s));
	memset(o, 0, sizeof(*o));
	o->nvml_lib = tu_path(libpath, sizeof libpath, "fakenvml/libnvidia-ml.so.1");
	o->warn = quiet;
	o->sysfs_root = "/nonexistent";
	s->ops = &ctk_source_nvml;
	s->opts = o;
	assert_int_equal(s->ops->open(s, o, &err), 0);
	assert_int_equal(s->nch, 2);
}

static void done(struct ctk_source *s)
{
	s->ops->close(s);
	ctk_source_release(s);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

struct got {
	int n;
	struct ctk_reading r[64];
	const char *sig[64];
};

static void keep(void *ctx, struct ctk_channel *ch)
{
	struct got *g = ctx;

	if (g->n < 64) {
		g->sig[g->n] = ch->signal;
		g->r[g->n++] = ch->r;
	}
}

static void who_can_batch(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;

	(void)state;
	env("10", 0, NULL);
	open_nvml(&s, &o);
	assert_int_equal(s.ops->can_batch(&s, &s.ch[0]), 2);
	done(&s);
	env(NULL, 0, NULL); /* a driver without the sample buffer */
	open_nvml(&s, &o);
	assert_int_equal(s.ops->can_batch(&s, &s.ch[0]), 0);
	done(&s);
	env("10", 1, NULL); /* samples but no counter */
	open_nvml(&s, &o);
	assert_int_equal(s.ops->can_batch(&s, &s.ch[0]), 0);
	done(&s);
}

static void one_reading_per_interval(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_error err;
	struct got g = {0};
	const int64_t interval = 100 * INT64_C(1000000);

	(void)state;
	env("10", 0, NULL);
	open_nvml(&s, &o);
	/* the first batch: the counter read alone */
	assert_int_equal(s.ops->read_batch(&s, &s.ch[1], interval, keep, &g, &err), 1);
	assert_int_equal(g.n, 1);
	sleep_ms(520);
	int n = s.ops->read_batch(&s, &s.ch[1], interval, keep, &g, &err);
	/* ~520 ms at 100 ms: the span cut into round(E / 100 ms) = 5 steps
	 * (E: the time that really passed; a loaded machine sleeps longer),
	 * the driver's 10 ms sample nearest each inner step, then the counter
	 * read */
	assert_int_equal(n, g.n - 1);
	int64_t elapsed = g.r[g.n - 1].t_ns - g.r[0].t_ns;
	assert_int_equal(n, (elapsed + interval / 2) / interval);
	assert_true(n >= 5);
	for (int k = 1; k < g.n; k++) {
		int64_t dt = g.r[k].t_ns - g.r[k - 1].t_ns, step = elapsed / n;
		/* each step within 5 ms (half the driver's clock) of its place */
		assert_true(dt >= step - 10000000 && dt <= step + 10000000);
		assert_string_equal(g.sig[k], "counter");
		assert_int_equal(g.r[k].has_energy, 1);
		/* 210 W since the first read: 210 uJ per us; the fake's counter
		 * is whole mJ and a read is stamped within its call: 5 mJ (24 ms
		 * at 210 W; a call under valgrind can take several times that) */
		double want_uj = 210.0 * (double)(g.r[k].t_ns - g.r[0].t_ns) / 1e3;
		double tol_uj = getenv("CTK_VALGRIND") ? 50000 : 5000;
		assert_true(fabs((double)(g.r[k].energy_uj - g.r[0].energy_uj) - want_uj) <= tol_uj);
		assert_int_equal(g.r[k].has_power, 1);
		assert_int_equal(g.r[k].power_mw, 210000);
	}
	done(&s);
}

static void lost_gpu_emits_nothing(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_error err;
	struct got g = {0};

	(void)state;
	env("10", 0, "0@150");
	open_nvml(&s, &o);
	assert_int_equal(s.ops->read_batch(&s, &s.ch[0], 100000000, keep, &g, &err), 1);
	sleep_ms(250);
	assert_true(s.ops->read_batch(&s, &s.ch[0], 100000000, keep, &g, &err) < 0);
	assert_non_null(strstr(err.msg, "GPU 0"));
	assert_int_equal(g.n, 1);
	done(&s);
	env(NULL, 0, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(who_can_batch),
		cmocka_unit_test(one_reading_per_interval),
		cmocka_unit_test(lost_gpu_emits_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
