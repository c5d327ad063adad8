/* Unit tests of the lag rule of averaged power in the energy kernel
 * (common/energy.h): which signals and GPU names are 1 s averages (NVML's
 * nvmlDeviceGetPowerUsage documentation), and the integration of averaged
 * readings at the middle of their window, with expected energies worked
 * out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/energy.h"

#define S INT64_C(1000000000)

static void window(const char *sig, const char *name, int64_t want_ns, enum ctk_lag want_lag)
{
	enum ctk_lag lag = (enum ctk_lag)-1;

	assert_int_equal(ctk_power_window_ns(sig, name, &lag), want_ns);
	assert_int_equal(lag, want_lag);
}

static void window_rule(void **state)
{
	(void)state;
	window("power_avg_1s", NULL, S, CTK_LAG_REMOVED);
	window("power_instant", "NVIDIA H100 80GB HBM3", 0, CTK_LAG_NONE);
	window("counter", "NVIDIA H100 80GB HBM3", 0, CTK_LAG_NONE);
	window("power_draw", "NVIDIA H100 80GB HBM3", S, CTK_LAG_REMOVED);
	window("power_draw", "NVIDIA GeForce RTX 4090", S, CTK_LAG_REMOVED);
	window("power_draw", "NVIDIA L40S", S, CTK_LAG_REMOVED);
	window("power_draw", "NVIDIA RTX A6000", S, CTK_LAG_REMOVED);
	window("power_draw", "NVIDIA A10G", S, CTK_LAG_REMOVED);
	/* GA100 and older: instantaneous */
	window("power_draw", "NVIDIA A100-SXM4-40GB", 0, CTK_LAG_NONE);
	window("power_draw", "NVIDIA A30", 0, CTK_LAG_NONE);
	window("power_draw", "Tesla V100-SXM2-16GB", 0, CTK_LAG_NONE);
	window("power_draw", "NVIDIA GeForce RTX 2080 Ti", 0, CTK_LAG_NONE);
	window("power_draw", "NVIDIA TITAN X (Pascal)", 0, CTK_LAG_NONE);
	/* unknown generation: no shift, flagged */
	window("power_draw", "Mystery GPU", 0, CTK_LAG_UNKNOWN);
	window("power_draw", NULL, 0, CTK_LAG_UNKNOWN);
}

static struct ctk_reading pw(int64_t t_ns, int64_t mw)
{
	struct ctk_reading r;

	memset(&r, 0, sizeof r);
	r.t_ns = t_ns;
	r.has_power = 1;
	r.power_mw = mw;
	return r;
}

/* 1 s averages 100, 300, 300 W stamped 1, 2, 3 s describe [0,1], [1,2],
 * [2,3]: placed at 0.5, 1.5, 2.5 s. Window [1 s, 2 s): from 1 to 1.5 s the
 * power runs 200 → 300 W (125 J), from 1.5 to 2 s 300 W (150 J): 275 J
 * (unshifted it would be (100 + 300) / 2 = 200 J). */
static void averaged_shifted(void **state)
{
	struct ctk_span win = {1, 1 * S, 2 * S, 1, 1};
	struct ctk_energy per;
	struct ctk_integrator in;
	struct ctk_reading r[3] = {pw(1 * S, 100000), pw(2 * S, 300000), pw(3 * S, 300000)};

	(void)state;
	memset(&per, 0, sizeof per);
	ctk_integrator_init(&in, &win, 1, 1.0, &per);
	for (int i = 0; i < 3; i++)
		ctk_integrator_add_signal(&in, &r[i], "power_avg_1s");
	assert_float_equal(per.energy_j, 275.0, 1e-9);
	assert_string_equal(ctk_energy_lag(&per), "removed");
	assert_string_equal(ctk_energy_method(&per), "trapezoid");
	/* the whole run keeps its trapezoid: (100+300)/2 + 300 = 500 J */
	assert_float_equal(in.total.energy_j, 500.0, 1e-9);
}

/* power_draw of an unknown GPU: as it is, flagged; of a V100: as it is,
 * not flagged. Window [1 s, 2 s) of 100 → 300 W: 200 J. */
static void draw_unknown_and_old(void **state)
{
	const char *names[] = {"Mystery GPU", "Tesla V100-PCIE-32GB"};
	struct ctk_reading r[3] = {pw(1 * S, 100000), pw(2 * S, 300000), pw(3 * S, 300000)};

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct ctk_span win = {1, 1 * S, 2 * S, 1, 1};
		struct ctk_energy per;
		struct ctk_integrator in;
		memset(&per, 0, sizeof per);
		ctk_integrator_init(&in, &win, 1, 1.0, &per);
		in.device_name = names[k];
		for (int i = 0; i < 3; i++)
			ctk_integrator_add_signal(&in, &r[i], "power_draw");
		assert_float_equal(per.energy_j, 200.0, 1e-9);
		if (k == 0)
			assert_string_equal(ctk_energy_lag(&per), "unknown");
		else
			assert_null(ctk_energy_lag(&per));
	}
}

/* A counter reading is never shifted, and an averaged reading never goes
 * before the previous one: counter at 1 s, 1 s average stamped 1.2 s
 * (would be 0.7 s) is kept at 1 s; the segment has no time, no energy. */
static void counter_not_shifted(void **state)
{
	struct ctk_energy per;
	struct ctk_integrator in;
	struct ctk_span win = {1, 0, 10 * S, 1, 1};
	struct ctk_reading c = pw(1 * S, 100000), a = pw(1200000000, 300000), b = pw(2200000000, 300000);

	(void)state;
	c.has_energy = 1;
	c.energy_uj = 5000000;
	memset(&per, 0, sizeof per);
	ctk_integrator_init(&in, &win, 1, 0, &per);
	ctk_integrator_add_signal(&in, &c, "counter");
	assert_int_equal(in.prev.t_ns, 1 * S);
	ctk_integrator_add_signal(&in, &a, "power_avg_1s");
	assert_int_equal(in.prev.t_ns, 1 * S);
	/* 2.2 s → 1.7 s: (300 + 300) / 2 · 0.7 s = 210 J */
	ctk_integrator_add_signal(&in, &b, "power_avg_1s");
	assert_int_equal(in.prev.t_ns, 1700000000);
	assert_float_equal(per.energy_j, 210.0, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_rule),
		cmocka_unit_test(averaged_shifted),
		cmocka_unit_test(draw_unknown_and_old),
		cmocka_unit_test(counter_not_shifted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
