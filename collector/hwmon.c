/* AMD GPUs through the amdgpu hwmon interface ($CTK_SYSFS_ROOT or /sys,
 * class/hwmon/hwmon*, name 'amdgpu'): energy1_input (uJ) where present,
 * else power1_average (uW, ~1 s average), else power1_input (uW, instant).
 * The PCI bus id comes from the 'device' link, the name from product_name. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/sources.h"
#include "common/time.h"
#include "common/util.h"

struct hwmon_ch {
	int efd, pfd;         /* energy1_input, power file; -1 when absent */
	const char *psig;     /* signal of the power file */
	uint64_t last_raw, total_uj;
	int has_last;
};

static int hwmon_num(const char *name)
{
	int n, used = 0;

	if (sscanf(name, "hwmon%d%n", &n, &used) != 1 || name[used])
		return -1;
	return n;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int hwmon_open(struct ctk_source *s, const struct ctk_source_opts *o, struct ctk_error *err)
{
	char dir[512], path[700], line[128];
	int nums[256], n = 0, gpu = 0;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof dir, "%s/class/hwmon", o->sysfs_root);
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)) && n < 256) {
		int k = hwmon_num(e->d_name);
		if (k >= 0)
			nums[n++] = k;
	}
	closedir(d);
	if (n > 1)
		qsort(nums, (size_t)n, sizeof nums[0], cmp_int);
	for (int i = 0; i < n; i++) {
		char base[560];
		snprintf(base, sizeof base, "%s/hwmon%d", dir, nums[i]);
		snprintf(path, sizeof path, "%s/name", base);
		if (ctk_read_line(path, line, sizeof line) || strcmp(line, "amdgpu"))
			continue;
		struct hwmon_ch *c = calloc(1, sizeof(*c));
		struct ctk_channel *ch = c ? ctk_source_add(s) : NULL;
		if (!ch) {
			free(c);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		ch->priv = c;
		snprintf(path, sizeof path, "%s/energy1_input", base);
		c->efd = open(path, O_RDONLY | O_CLOEXEC);
		static const struct { const char *file, *sig; } pw[] = {
			{"power1_average", "power_avg_1s"}, {"power1_input", "power_instant"}, {NULL, NULL}};
		c->pfd = -1;
		for (int k = 0; pw[k].file && c->pfd < 0; k++) {
			uint64_t v;
			snprintf(path, sizeof path, "%s/%s", base, pw[k].file);
			c->pfd = open(path, O_RDONLY | O_CLOEXEC);
			if (c->pfd >= 0 && ctk_read_u64_fd(c->pfd, &v)) {
				close(c->pfd);
				c->pfd = -1;
			}
			if (c->pfd >= 0)
				c->psig = pw[k].sig;
		}
		snprintf(ch->kind, sizeof ch->kind, "gpu");
		snprintf(ch->vendor, sizeof ch->vendor, "amd");
		ch->idx = gpu++;
		snprintf(path, sizeof path, "%s/device/product_name", base);
		if (ctk_read_line(path, ch->name, sizeof ch->name) || !ch->name[0])
			snprintf(ch->name, sizeof ch->name, "AMD GPU (amdgpu)");
		snprintf(path, sizeof path, "%s/device/unique_id", base);
		if (ctk_read_line(path, line, sizeof line) == 0 && line[0])
			snprintf(ch->uuid, sizeof ch->uuid, "AMD-%s", line);
		char real[PATH_MAX];
		snprintf(path, sizeof path, "%s/device", base);
		if (realpath(path, real))
			snprintf(ch->bus_id, sizeof ch->bus_id, "%s", ctk_basename(real));
		if (c->efd < 0 && c->pfd < 0) {
			ch->measured = 0;
			snprintf(ch->flags, sizeof ch->flags, "not-measured");
			ctk_source_warn(s, "hwmon: '%s': no energy1_input, power1_average or power1_input: %s not measured",
					base, ch->name);
		}
	}
	return 0;
}

static int hwmon_read(struct ctk_source *s, struct ctk_channel *ch, struct ctk_error *err)
{
	struct hwmon_ch *c = ch->priv;
	uint64_t e = 0, p = 0;
	int re = c->efd >= 0 ? ctk_read_u64_fd(c->efd, &e) : -ENOENT;
	int rp = c->pfd >= 0 ? ctk_read_u64_fd(c->pfd, &p) : -ENOENT;

	(void)s;
	ch->r.t_ns = ctk_now_ns();
	if (re && rp)
		return ctk_failf(err, CTK_EDEVICE, "hwmon: %s: %s", ch->name, strerror(-(c->efd >= 0 ? re : rp)));
	ch->r.has_energy = re == 0;
	if (re == 0) {
		c->total_uj = c->has_last ? c->total_uj + ctk_counter_delta(c->last_raw, e, 0) : e;
		c->last_raw = e;
		c->has_last = 1;
		ch->r.energy_uj = (int64_t)c->total_uj;
	}
	ch->r.has_power = rp == 0;
	ch->r.power_mw = (int64_t)((p + 500) / 1000);
	ch->signal = re == 0 ? "counter" : c->psig;
	return 0;
}

/* With energy1_input: a counter, read once per batch (ctk_source_batch_once);
 * power alone needs every reading. */
static int hwmon_can_batch(struct ctk_source *s, struct ctk_channel *ch)
{
	const struct hwmon_ch *c = ch->priv;

	(void)s;
	return c && c->efd >= 0;
}

static void hwmon_close(struct ctk_source *s)
{
	for (int i = 0; i < s->nch; i++) {
		struct hwmon_ch *c = s->ch[i].priv;
		if (!c)
			continue;
		if (c->efd >= 0)
			close(c->efd);
		if (c->pfd >= 0)
			close(c->pfd);
		c->efd = c->pfd = -1;
	}
}

const struct ctk_source_ops ctk_source_hwmon = {
	.name = "hwmon",
	.summary = "AMD GPUs: amdgpu hwmon energy1_input / power1_average / power1_input",
	.open = hwmon_open,
	.read = hwmon_read,
	.can_batch = hwmon_can_batch,
	.read_batch = ctk_source_batch_once,
	.close = hwmon_close,
};
