/* Unit tests of collector/slurm.c: which variable gives the GPUs to
 * measure (SLURM_STEP_GPUS before SLURM_JOB_GPUS before
 * CUDA_VISIBLE_DEVICES, --gpus before all), the local rank that samples,
 * the job's record in a run's config, the CPU share of a shared node, the
 * spool file name, and %h as SLURM's node name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/collect.h"
#include "collector/gpusel.h"
#include "collector/slurm.h"

static const char *const vars[] = {"SLURM_JOB_ID", "SLURM_STEP_GPUS", "SLURM_JOB_GPUS", "CUDA_VISIBLE_DEVICES",
				   "NVIDIA_VISIBLE_DEVICES", "SLURM_LOCALID", "SLURMD_NODENAME", "SLURM_CPUS_ON_NODE",
				   "SLURM_JOB_NODELIST", "SLURM_TASKS_PER_NODE", NULL};

static int clean(void **state)
{
	(void)state;
	for (int i = 0; vars[i]; i++)
		unsetenv(vars[i]);
	return 0;
}

static void gpus_precedence(void **state)
{
	struct ctk_gpusel s;
	struct ctk_error err = {0};

	(void)state;
	setenv("CUDA_VISIBLE_DEVICES", "0", 1);
	setenv("SLURM_JOB_GPUS", "1,2", 1);
	setenv("SLURM_STEP_GPUS", "3", 1);
	assert_int_equal(ctk_gpusel_resolve(NULL, &s, &err), 0);
	assert_string_equal(s.from, "SLURM_STEP_GPUS");
	assert_int_equal(s.n, 1);
	assert_int_equal(s.item[0].index, 3);
	assert_int_equal(s.by_minor, 1); /* SLURM's global IDs: /dev/nvidiaN */
	unsetenv("SLURM_STEP_GPUS");
	assert_int_equal(ctk_gpusel_resolve(NULL, &s, &err), 0);
	assert_string_equal(s.from, "SLURM_JOB_GPUS");
	assert_int_equal(s.n, 2);
	assert_int_equal(s.item[1].index, 2);
	assert_int_equal(s.by_minor, 1);
	unsetenv("SLURM_JOB_GPUS");
	assert_int_equal(ctk_gpusel_resolve(NULL, &s, &err), 0);
	assert_string_equal(s.from, "CUDA_VISIBLE_DEVICES");
	assert_int_equal(s.by_minor, 0); /* CUDA's and NVML's own indices */
	unsetenv("CUDA_VISIBLE_DEVICES");
	setenv("NVIDIA_VISIBLE_DEVICES", "2", 1);
	assert_int_equal(ctk_gpusel_resolve(NULL, &s, &err), 0);
	assert_string_equal(s.from, "NVIDIA_VISIBLE_DEVICES");
	assert_int_equal(s.by_minor, 1); /* the host's numbers, also in the container */
	unsetenv("NVIDIA_VISIBLE_DEVICES");
	setenv("CUDA_VISIBLE_DEVICES", "0", 1);
	setenv("SLURM_STEP_GPUS", "3", 1);
	assert_int_equal(ctk_gpusel_resolve("all", &s, &err), 0); /* --gpus wins */
	assert_int_equal(s.all, 1);
	assert_int_equal(ctk_gpusel_resolve("1", &s, &err), 0);
	assert_int_equal(s.by_minor, 0);
	setenv("SLURM_STEP_GPUS", "x7", 1);
	assert_int_not_equal(ctk_gpusel_resolve(NULL, &s, &err), 0); /* never "all GPUs" */
	assert_non_null(strstr(err.msg, "SLURM_STEP_GPUS"));
}

static void local_rank(void **state)
{
	(void)state;
	setenv("SLURM_LOCALID", "1", 1);
	assert_int_equal(ctk_slurm_local_rank(), -1); /* no job: not SLURM */
	setenv("SLURM_JOB_ID", "17", 1);
	assert_int_equal(ctk_slurm_local_rank(), 1);
	setenv("SLURM_LOCALID", "0", 1);
	assert_int_equal(ctk_slurm_local_rank(), 0);
	setenv("SLURM_LOCALID", "one", 1);
	assert_int_equal(ctk_slurm_local_rank(), -1);
}

static void config_record(void **state)
{
	cJSON *j = cJSON_CreateObject();
	long n = sysconf(_SC_NPROCESSORS_CONF);

	(void)state;
	ctk_slurm_config(j);
	assert_null(j->child); /* outside a job: nothing */
	setenv("SLURM_JOB_ID", "17", 1);
	setenv("SLURM_JOB_NODELIST", "node[1-2]", 1);
	setenv("SLURM_TASKS_PER_NODE", "2(x2)", 1);
	setenv("SLURM_STEP_GPUS", "0,1", 1);
	ctk_slurm_config(j);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "slurm_job_id")), "17");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "slurm_job_nodelist")), "node[1-2]");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "slurm_tasks_per_node")), "2(x2)");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "slurm_step_gpus")), "0,1");
	assert_null(cJSON_GetObjectItem(j, "cpu_share")); /* SLURM_CPUS_ON_NODE not set */
	cJSON_Delete(j);
	if (n < 2)
		return;
	/* a shared node: 1 of n CPUs is the share 1/n, said to be an estimate */
	j = cJSON_CreateObject();
	setenv("SLURM_CPUS_ON_NODE", "1", 1);
	ctk_slurm_config(j);
	assert_float_equal(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "cpu_share")), 1.0 / (double)n, 1e-12);
	assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(j, "cpu_share_note")), "estimate"));
	cJSON_Delete(j);
	/* the whole node: no share */
	char all[32];
	snprintf(all, sizeof all, "%ld", n);
	setenv("SLURM_CPUS_ON_NODE", all, 1);
	double share;
	long a, t;
	assert_int_equal(ctk_slurm_cpu_share(&share, &a, &t), 0);
}

static void spool_and_host(void **state)
{
	char p[256], host[64];
	struct ctk_error err = {0};

	(void)state;
	assert_int_equal(ctk_slurm_spool_path("/var/spool/ctk", "node7", "1234", p, sizeof p, &err), 0);
	assert_string_equal(p, "/var/spool/ctk/ctk-node7-1234.db");
	assert_int_equal(ctk_slurm_spool_path("/s", "n", "12/../x", p, sizeof p, &err), CTK_EINPUT);
	assert_int_equal(ctk_slurm_spool_path("/s", "a/b", "12", p, sizeof p, &err), CTK_EINPUT);
	setenv("SLURMD_NODENAME", "node2", 1);
	ctk_slurm_host(host, sizeof host);
	assert_string_not_equal(host, "node2"); /* outside a job: the host name */
	setenv("SLURM_JOB_ID", "9", 1);
	ctk_slurm_host(host, sizeof host);
	assert_string_equal(host, "node2");
	assert_int_equal(ctk_collect_db_path("run-%h-%j.db", p, sizeof p, &err), 0);
	assert_string_equal(p, "run-node2-9.db");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(gpus_precedence, clean),
		cmocka_unit_test_setup(local_rank, clean),
		cmocka_unit_test_setup(config_record, clean),
		cmocka_unit_test_setup(spool_and_host, clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
