/* SLURM awareness of the collector (slurm.h): the job's record with a run,
 * which task samples a node, the GPUs the step owns, the CPU share of a
 * shared node, and `ctk slurm prolog|epilog`, which read the job's GPU
 * energy counters at its start and end into a per-node, per-job store in a
 * spool directory (merged later by `ctk merge`). SLURM's variables are
 * those of its srun/sbatch and Prolog/Epilog environments (slurm.schedmd.com,
 * "OUTPUT ENVIRONMENT VARIABLES" and prolog_epilog.html). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/slurm.h"
#include "collector/sources.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "common/time.h"
#include "common/util.h"

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int ctk_slurm_in_job(void)
{
	return env("SLURM_JOB_ID") != NULL;
}

void ctk_slurm_host(char *buf, size_t size)
{
	if (ctk_slurm_in_job() && env("SLURMD_NODENAME"))
		snprintf(buf, size, "%s", env("SLURMD_NODENAME"));
	else
		ctk_hostname(buf, size);
}

int ctk_slurm_local_rank(void)
{
	const char *v = env("SLURM_LOCALID");
	int64_t r;

	if (!ctk_slurm_in_job() || !v || ctk_parse_int64(v, &r) || r < 0 || r > 1000000)
		return -1;
	return (int)r;
}

const char *ctk_slurm_gpus(const char **from)
{
	static const char *const vars[] = {"SLURM_STEP_GPUS", "SLURM_JOB_GPUS", NULL};

	for (int i = 0; vars[i]; i++) {
		const char *v = env(vars[i]);
		if (v) {
			*from = vars[i];
			return v;
		}
	}
	return NULL;
}

int ctk_slurm_cpu_share(double *share, long *alloc, long *total)
{
	const char *v = env("SLURM_CPUS_ON_NODE");
	long n = sysconf(_SC_NPROCESSORS_CONF);
	int64_t a;

	if (!ctk_slurm_in_job() || !v || ctk_parse_int64(v, &a) || a <= 0 || n <= 0 || a >= n)
		return 0;
	*alloc = (long)a;
	*total = n;
	*share = (double)a / (double)n;
	return 1;
}

void ctk_slurm_config(cJSON *j)
{
	static const char *const vars[][2] = {
		{"SLURM_JOB_ID", "slurm_job_id"}, {"SLURM_STEP_ID", "slurm_step_id"},
		{"SLURM_PROCID", "slurm_procid"}, {"SLURM_LOCALID", "slurm_localid"},
		{"SLURM_NODEID", "slurm_nodeid"}, {"SLURM_JOB_NAME", "slurm_job_name"},
		{"SLURM_JOB_USER", "slurm_job_user"}, {"SLURM_JOB_NODELIST", "slurm_job_nodelist"},
		{"SLURM_STEP_NODELIST", "slurm_step_nodelist"}, {"SLURM_JOB_NUM_NODES", "slurm_job_num_nodes"},
		{"SLURM_NTASKS", "slurm_ntasks"}, {"SLURM_TASKS_PER_NODE", "slurm_tasks_per_node"},
		{"SLURM_STEP_TASKS_PER_NODE", "slurm_step_tasks_per_node"},
		{"SLURM_CPUS_ON_NODE", "slurm_cpus_on_node"}, {"SLURM_JOB_GPUS", "slurm_job_gpus"},
		{"SLURM_STEP_GPUS", "slurm_step_gpus"}, {NULL, NULL}};
	double share;
	long alloc, total;

	if (!ctk_slurm_in_job())
		return;
	for (int i = 0; vars[i][0]; i++) {
		const char *v = env(vars[i][0]);
		if (v)
			cJSON_AddStringToObject(j, vars[i][1], v);
	}
	if (ctk_slurm_cpu_share(&share, &alloc, &total)) {
		char note[200];
		cJSON_AddNumberToObject(j, "cpu_share", share);
		snprintf(note, sizeof note, "estimate: the job holds %ld of the node's %ld CPUs; its CPU and DRAM "
			 "energy is taken as that share of the packages' (not measured per core)", alloc, total);
		cJSON_AddStringToObject(j, "cpu_share_note", note);
	}
}

int ctk_slurm_spool_path(const char *dir, const char *host, const char *job, char *out, size_t size,
			 struct ctk_error *err)
{
	for (const char *p = job; *p; p++)
		if (!(*p >= '0' && *p <= '9') && *p != '_')
			return ctk_failf(err, CTK_EINPUT, "SLURM_JOB_ID '%s': not a job id", job);
	for (const char *p = host; *p; p++)
		if (*p == '/')
			return ctk_failf(err, CTK_EINPUT, "host name '%s': has a '/'", host);
	if (snprintf(out, size, "%s/ctk-%s-%s.db", dir, host, job) >= (int)size)
		return ctk_failf(err, CTK_EUSAGE, "--spool '%s': path too long", dir);
	return 0;
}

/* The GPUs of the job for the hooks: SLURM_JOB_GPUS, else the usual
 * selection (CUDA_VISIBLE_DEVICES, NVIDIA_VISIBLE_DEVICES, all). */
static int hook_gpus(struct ctk_gpusel *sel, struct ctk_error *err)
{
	const char *v = env("SLURM_JOB_GPUS");

	if (v)
		return ctk_gpusel_parse(v, "SLURM_JOB_GPUS", sel, err);
	return ctk_gpusel_resolve(NULL, sel, err);
}

/* One reading of every GPU of the job through the collector's NVML source. */
static int hook_read(struct ctk_source *s, struct ctk_gpusel *sel, struct ctk_source_opts *so,
		     struct ctk_error *err)
{
	int rc;

	if ((rc = hook_gpus(sel, err)))
		return rc;
	so->gpus = sel;
	so->sysfs_root = "/sys";
	s->ops = &ctk_source_nvml;
	s->opts = so;
	if ((rc = s->ops->open(s, so, err)))
		return rc;
	for (int k = 0; k < s->nch; k++) {
		struct ctk_channel *ch = &s->ch[k];
		if (!ch->measured)
			continue;
		if ((rc = s->ops->read(s, ch, err)))
			return rc;
		if (!ch->r.has_energy)
			return ctk_failf(err, CTK_EDEVICE, "GPU %d ('%s'): no energy counter (NVML "
					 "nvmlDeviceGetTotalEnergyConsumption, Volta and newer)", ch->idx, ch->uuid);
	}
	return 0;
}

/* The prolog's run: host, job id, user, GPUs; then the first readings. */
static int hook_create(sqlite3 *db, struct ctk_source *s, const char *host, const char *job,
		       struct ctk_sample_writer *w, struct ctk_error *err)
{
	cJSON *j = cJSON_CreateObject(), *g = cJSON_CreateArray();
	struct ctk_run r = {0};
	char label[128];
	int64_t run_id, ngpu = 0;
	int rc;

	if (!j || !g) {
		cJSON_Delete(j);
		cJSON_Delete(g);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	cJSON_AddStringToObject(j, "slurm_job_id", job);
	if (env("SLURM_JOB_USER"))
		cJSON_AddStringToObject(j, "slurm_job_user", env("SLURM_JOB_USER"));
	if (env("SLURM_JOB_UID"))
		cJSON_AddStringToObject(j, "slurm_job_uid", env("SLURM_JOB_UID"));
	if (env("SLURM_JOB_PARTITION"))
		cJSON_AddStringToObject(j, "slurm_partition", env("SLURM_JOB_PARTITION"));
	if (env("SLURM_JOB_GPUS"))
		cJSON_AddStringToObject(j, "slurm_job_gpus", env("SLURM_JOB_GPUS"));
	for (int k = 0; k < s->nch; k++)
		if (s->ch[k].measured) {
			cJSON_AddItemToArray(g, cJSON_CreateString(s->ch[k].uuid));
			ngpu++;
		}
	cJSON_AddItemToObject(j, "slurm_gpu_uuids", g);
	cJSON_AddNumberToObject(j, "gpus", (double)ngpu);
	cJSON_AddStringToObject(j, "measured_by", "ctk slurm prolog/epilog (energy counters at the job's start and end)");
	if (s->simulated)
		cJSON_AddStringToObject(j, "simulated", "simulated device (tests/fakenvml)");
	char *cfg = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	snprintf(label, sizeof label, "slurm-job-%s", job);
	r.label = label;
	r.host = host;
	r.config_json = cfg;
	r.source = "slurm";
	r.started_ns = ctk_now_ns();
	r.has_started = 1;
	r.simulated = s->simulated;
	rc = cfg ? ctk_run_insert(db, &r, &run_id, err) : ctk_failf(err, CTK_ENOMEM, "out of memory");
	free(cfg);
	for (int k = 0; !rc && k < s->nch; k++) {
		struct ctk_channel *ch = &s->ch[k];
		struct ctk_device d = {.run_id = run_id, .host = host, .kind = "gpu", .vendor = ch->vendor,
				       .name = ch->name, .uuid = ch->uuid, .bus_id = ch->bus_id[0] ? ch->bus_id : NULL,
				       .flags = ch->flags[0] ? ch->flags : NULL, .idx = ch->idx, .has_idx = 1,
				       .power_limit_w = ch->power_limit_w, .has_power_limit = ch->has_power_limit};
		if (!ch->measured)
			continue;
		if (!(rc = ctk_device_insert(db, &d, &ch->device_id, err)))
			rc = ctk_sample_append(w, ch->device_id, "counter", &ch->r, err);
	}
	return rc;
}

/* The epilog: the prolog's run (the one run of the store), its devices by
 * UUID, the last readings, the end. */
static int hook_finish(sqlite3 *db, struct ctk_source *s, struct ctk_sample_writer *w, const char *path,
		       struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t run_id = 0;
	int rc;

	if ((rc = ctk_db_prepare(db, "SELECT run_id FROM runs WHERE source = 'slurm' ORDER BY run_id DESC LIMIT 1", &st, err)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		run_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (!run_id)
		return ctk_failf(err, CTK_EINPUT, "'%s': no run of the prolog (did Prolog= run ctk slurm prolog?)", path);
	if ((rc = ctk_db_prepare(db, "SELECT device_id FROM devices WHERE run_id = ? AND uuid = ?", &st, err)))
		return rc;
	for (int k = 0; !rc && k < s->nch; k++) {
		struct ctk_channel *ch = &s->ch[k];
		if (!ch->measured)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, ch->uuid, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = ctk_failf(err, CTK_EINPUT, "'%s': GPU '%s' was not read by the prolog", path, ch->uuid);
			break;
		}
		rc = ctk_sample_append(w, sqlite3_column_int64(st, 0), "counter", &ch->r, err);
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = ctk_run_finish(db, run_id, ctk_now_ns(), 0, 0, NULL, err);
	return rc;
}

int ctk_slurm_hook_run(struct ctk_slurm_hook *h, struct ctk_error *err)
{
	const char *job = env("SLURM_JOB_ID");
	struct ctk_source s = {0};
	struct ctk_source_opts so = {0};
	struct ctk_gpusel sel;
	struct ctk_sample_writer *w = NULL;
	sqlite3 *db = NULL;
	char host[256];
	int rc;

	if (!job)
		return ctk_failf(err, CTK_EUSAGE, "SLURM_JOB_ID is not set: run from slurm.conf's Prolog=/Epilog=");
	ctk_slurm_host(host, sizeof host);
	if ((rc = ctk_slurm_spool_path(h->spool, host, job, h->path, sizeof h->path, err)))
		return rc;
	if (mkdir(h->spool, 0755) && errno != EEXIST)
		return ctk_failf(err, CTK_EDB, "--spool '%s': %s", h->spool, strerror(errno));
	if ((rc = hook_read(&s, &sel, &so, err)))
		goto out;
	h->simulated = s.simulated;
	for (int k = 0; k < s.nch; k++)
		h->gpus += s.ch[k].measured;
	if (h->epilog && access(h->path, F_OK))
		rc = ctk_failf(err, CTK_EINPUT, "'%s': no store of the prolog for job %s", h->path, job);
	if (rc || (rc = ctk_db_open(h->path, CTK_DB_CREATE, &db, err)) ||
	    (rc = ctk_sample_writer_new(db, 0, &w, err)) || (rc = ctk_db_begin(db, err)))
		goto out;
	rc = h->epilog ? hook_finish(db, &s, w, h->path, err) : hook_create(db, &s, host, job, w, err);
	if (!rc)
		rc = ctk_sample_writer_flush(w, err);
	if (!rc)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
out:
	ctk_sample_writer_free(w);
	ctk_db_close(db);
	if (s.ops)
		s.ops->close(&s);
	ctk_source_release(&s);
	return rc;
}
