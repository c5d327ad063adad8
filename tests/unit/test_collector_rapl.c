/* Unit tests of the powercap (RAPL) and amdgpu hwmon sources on fake sysfs
 * trees made here: which zones are measured (multi-digit sockets, dram
 * subzones, psys/core/uncore skipped, intel-rapl-mmio only as a fallback),
 * the wrap-aware counter delta, permission denied recorded as "not
 * measured" with a warning naming the fix, and hwmon energy/power files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/capability.h>
#include <sys/syscall.h>

#include "collector/sources.h"
#include "tests/unit/collector_util.h"

static char warned[4096];

static void capture(void *ctx, const char *msg)
{
	(void)ctx;
	snprintf(warned + strlen(warned), sizeof warned - strlen(warned), "%s\n", msg);
}

static void zone(const char *root, const char *dir, const char *name, const char *energy, const char *max)
{
	char d[PATH_MAX];

	snprintf(d, sizeof d, "%s/class/powercap/%s", root, dir);
	assert_int_equal(tu_write(d, "name", name), 0);
	if (energy)
		assert_int_equal(tu_write(d, "energy_uj", energy), 0);
	if (max)
		assert_int_equal(tu_write(d, "max_energy_range_uj", max), 0);
}

static void counter_delta(void **state)
{
	(void)state;
	assert_int_equal(ctk_counter_delta(100, 250, 1000), 150);
	assert_int_equal(ctk_counter_delta(900, 900, 1000), 0);
	/* 900 … 1000 is 100 steps, 1000 → 0 one more, then 50 */
	assert_int_equal(ctk_counter_delta(900, 50, 1000), 151);
	assert_int_equal(ctk_counter_delta(1000, 0, 1000), 1);
	/* unknown range: a decrease is a reset */
	assert_int_equal(ctk_counter_delta(900, 50, 0), 50);
	/* RAPL's usual range: 262143328850 uJ */
	assert_true(ctk_counter_delta(262143328000ULL, 1000, 262143328850ULL) == 850 + 1 + 1000);
}

static void open_tree(const char *root, struct ctk_source *s, struct ctk_source_opts *o)
{
	memset(s, 0, sizeof(*s));
	memset(o, 0, sizeof(*o));
	o->sysfs_root = root;
	o->warn = capture;
	s->ops = &ctk_source_rapl;
	s->opts = o;
	warned[0] = '\0';
	assert_int_equal(s->ops->open(s, o, NULL), 0);
}

static void zones_selected(void **state)
{
	const char *root = "sys1";
	struct ctk_source s;
	struct ctk_source_opts o;

	(void)state;
	zone(root, "intel-rapl:0", "package-0", "1000", "262143328850");
	zone(root, "intel-rapl:0/intel-rapl:0:0", "core", "10", "262143328850");
	zone(root, "intel-rapl:0/intel-rapl:0:1", "dram", "20", "262143328850");
	zone(root, "intel-rapl:0:0", "core", "10", "262143328850");       /* sysfs lists subzones at the top too */
	zone(root, "intel-rapl:0:1", "dram", "20", "262143328850");
	zone(root, "intel-rapl:0:2", "uncore", "30", "262143328850");
	zone(root, "intel-rapl:1", "package-1", "2000", "262143328850");
	zone(root, "intel-rapl:1:0", "dram", "40", "262143328850");
	zone(root, "intel-rapl:10", "package-10", "3000", "262143328850");
	zone(root, "intel-rapl:2", "psys", "999", "262143328850");
	zone(root, "intel-rapl-mmio:0", "package-0", "1111", "262143328850"); /* same package again */
	zone(root, "intel-rapl-mmio:1", "package-3", "4000", "262143328850"); /* only via MMIO */
	open_tree(root, &s, &o);
	/* sorted by socket: pkg0, dram0, pkg1, dram1, pkg3 (mmio), pkg10 */
	assert_int_equal(s.nch, 6);
	const char *kinds[] = {"cpu", "dram", "cpu", "dram", "cpu", "cpu"};
	const int idx[] = {0, 0, 1, 1, 3, 10};
	const uint64_t first[] = {1000, 20, 2000, 40, 4000, 3000};
	for (int i = 0; i < 6; i++) {
		struct ctk_error err;
		assert_string_equal(s.ch[i].kind, kinds[i]);
		assert_int_equal(s.ch[i].idx, idx[i]);
		assert_int_equal(s.ch[i].measured, 1);
		assert_int_equal(s.ops->read(&s, &s.ch[i], &err), 0);
		assert_string_equal(s.ch[i].signal, "counter");
		assert_int_equal(s.ch[i].r.energy_uj, first[i]);
		assert_false(s.ch[i].r.has_power);
	}
	assert_non_null(strstr(s.ch[4].name, "intel-rapl-mmio:1"));
	s.ops->close(&s);
	ctk_source_release(&s);
}

static void wraps(void **state)
{
	const char *root = "sys2";
	char d[PATH_MAX];
	struct ctk_source s;
	struct ctk_source_opts o;
	struct ctk_error err;

	(void)state;
	zone(root, "intel-rapl:0", "package-0", "999000", "1000000");
	open_tree(root, &s, &o);
	assert_int_equal(s.nch, 1);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_int_equal(s.ch[0].r.energy_uj, 999000);
	snprintf(d, sizeof d, "%s/class/powercap/intel-rapl:0", root);
	/* wrap: 999000 → 1000000 (1000 steps) → 0 (1) → 500 */
	assert_int_equal(tu_write(d, "energy_uj", "500\n"), 0);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_int_equal(s.ch[0].r.energy_uj, 999000 + 1000 + 1 + 500);
	assert_int_equal(tu_write(d, "energy_uj", "700000\n"), 0);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_int_equal(s.ch[0].r.energy_uj, 1000501 + 699500);
	/* second wrap */
	assert_int_equal(tu_write(d, "energy_uj", "100\n"), 0);
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_int_equal(s.ch[0].r.energy_uj, 1700001 + 300000 + 1 + 100);
	/* an unreadable value is an error, not 0 */
	assert_int_equal(tu_write(d, "energy_uj", "garbage\n"), 0);
	assert_int_not_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	s.ops->close(&s);
	ctk_source_release(&s);
}

/* Drop (or restore) CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the
 * effective set, so that root, too, gets EACCES on a mode-000 file. */
static void dac_caps(int on)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return;
	if (on)
		d[0].effective |= d[0].permitted & ((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
	else
		d[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
	syscall(SYS_capset, &h, d);
}

static void permission_denied(void **state)
{
	const char *root = "sys3";
	char path[PATH_MAX];
	struct ctk_source s;
	struct ctk_source_opts o;

	(void)state;
	zone(root, "intel-rapl:0", "package-0", "1000", "262143328850");
	zone(root, "intel-rapl:1", "package-1", "2000", "262143328850");
	snprintf(path, sizeof path, "%s/class/powercap/intel-rapl:1/energy_uj", root);
	assert_int_equal(chmod(path, 0), 0);
	dac_caps(0);
	open_tree(root, &s, &o);
	dac_caps(1);
	assert_int_equal(s.nch, 2);
	assert_int_equal(s.ch[0].measured, 1);
	assert_int_equal(s.ch[1].measured, 0); /* listed, never read, never 0 */
	assert_string_equal(s.ch[1].flags, "not-measured");
	assert_non_null(strstr(warned, "permission denied"));
	assert_non_null(strstr(warned, "chmod a+r"));
	assert_non_null(strstr(warned, "udev"));
	assert_non_null(strstr(warned, "intel-rapl:1/energy_uj"));
	s.ops->close(&s);
	ctk_source_release(&s);
}

static void no_powercap(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o;

	(void)state;
	assert_int_equal(tu_mkdirs("sys4/class"), 0);
	open_tree("sys4", &s, &o);
	assert_int_equal(s.nch, 0);
	s.ops->close(&s);
	ctk_source_release(&s);
}

static void hwmon_amdgpu(void **state)
{
	struct ctk_source s;
	struct ctk_source_opts o = {.sysfs_root = "sys5", .warn = capture};
	struct ctk_error err;

	(void)state;
	assert_int_equal(tu_write("sys5/devices/pci0000:00/0000:03:00.0", "product_name", "AMD Instinct MI250X\n"), 0);
	assert_int_equal(tu_write("sys5/devices/pci0000:00/0000:03:00.0", "unique_id", "abcdef\n"), 0);
	assert_int_equal(tu_write("sys5/class/hwmon/hwmon2", "name", "amdgpu\n"), 0);
	assert_int_equal(tu_write("sys5/class/hwmon/hwmon2", "energy1_input", "5000000\n"), 0);
	assert_int_equal(tu_write("sys5/class/hwmon/hwmon2", "power1_average", "123456789\n"), 0);
	assert_int_equal(symlink("../../../devices/pci0000:00/0000:03:00.0", "sys5/class/hwmon/hwmon2/device"), 0);
	assert_int_equal(tu_write("sys5/class/hwmon/hwmon10", "name", "amdgpu\n"), 0);
	assert_int_equal(tu_write("sys5/class/hwmon/hwmon10", "power1_input", "50000000\n"), 0);
	assert_int_equal(tu_write("sys5/class/hwmon/hwmon0", "name", "k10temp\n"), 0);
	assert_int_equal(tu_write("sys5/class/hwmon/hwmon0", "power1_input", "1\n"), 0);
	memset(&s, 0, sizeof s);
	s.ops = &ctk_source_hwmon;
	s.opts = &o;
	assert_int_equal(s.ops->open(&s, &o, NULL), 0);
	assert_int_equal(s.nch, 2);
	assert_string_equal(s.ch[0].name, "AMD Instinct MI250X");
	assert_string_equal(s.ch[0].bus_id, "0000:03:00.0");
	assert_string_equal(s.ch[0].uuid, "AMD-abcdef");
	assert_string_equal(s.ch[0].vendor, "amd");
	assert_int_equal(s.ops->read(&s, &s.ch[0], &err), 0);
	assert_string_equal(s.ch[0].signal, "counter");
	assert_int_equal(s.ch[0].r.energy_uj, 5000000);
	assert_int_equal(s.ch[0].r.power_mw, 123457); /* uW rounded to mW */
	assert_int_equal(s.ops->read(&s, &s.ch[1], &err), 0);
	assert_string_equal(s.ch[1].signal, "power_instant");
	assert_false(s.ch[1].r.has_energy);
	assert_int_equal(s.ch[1].r.power_mw, 50000);
	s.ops->close(&s);
	ctk_source_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counter_delta),
		cmocka_unit_test(zones_selected),
		cmocka_unit_test(wraps),
		cmocka_unit_test(permission_denied),
		cmocka_unit_test(no_powercap),
		cmocka_unit_test(hwmon_amdgpu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
