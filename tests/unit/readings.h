/* Test helper: the readings of one device (through common/samples.h) and
 * their trapezoid energy, for importer tests. */
#ifndef CTK_TEST_READINGS_H
#define CTK_TEST_READINGS_H

#include "common/samples.h"

/* Up to max readings of device_id into r; returns the count. */
static __attribute__((unused)) int dev_readings(sqlite3 *db, int64_t device_id, struct ctk_reading *r, int max)
{
	struct ctk_sample_reader *rd = NULL;
	struct ctk_error err = {0};
	const char *sig;
	int n = 0;

	assert_int_equal(ctk_sample_reader_new(db, device_id, &rd, &err), 0);
	while (n < max && ctk_sample_next(rd, &r[n], &sig, &err) == 1) {
		assert_string_equal(sig, "imported");
		n++;
	}
	ctk_sample_reader_free(rd);
	return n;
}

/* Trapezoid (J) over consecutive readings that both have power. */
static __attribute__((unused)) double trapezoid_j(const struct ctk_reading *r, int n)
{
	double e = 0;
	for (int i = 0; i + 1 < n; i++)
		if (r[i].has_power && r[i + 1].has_power)
			e += 0.5 * (double)(r[i].power_mw + r[i + 1].power_mw) / 1000.0 *
			     (double)(r[i + 1].t_ns - r[i].t_ns) / 1e9;
	return e;
}

#endif
