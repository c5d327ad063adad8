/* Helpers shared by the collector's unit tests (header-only so each test
 * stays one program): paths of the built tools and of the fake NVML, a
 * small file writer for fake sysfs trees, and running ctk-collect. */
#ifndef CTK_TESTS_COLLECTOR_UTIL_H
#define CTK_TESTS_COLLECTOR_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline const char *tu_build(void)
{
	const char *b = getenv("CTK_BUILD");
	return b && *b ? b : "build";
}

/* $CTK_BUILD/<rel> into buf. */
static inline const char *tu_path(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", tu_build(), rel);
	return buf;
}

/* mkdir -p */
static inline int tu_mkdirs(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0755) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

/* Write text to dir/name (creating dir), truncating in place. */
static inline int tu_write(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	int fd;
	ssize_t n;

	if (tu_mkdirs(dir))
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Make the environment the collector binary needs: PATH with the tools,
 * the fake NVML, an empty sysfs root under cwd. */
static inline void tu_env(int ngpus, const char *curve)
{
	char buf[PATH_MAX], path[PATH_MAX * 2], cwd[PATH_MAX];
	const char *old = getenv("PATH");

	snprintf(path, sizeof path, "%s:%s", tu_path(buf, sizeof buf, "bin"), old ? old : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	setenv("CTK_NVML_LIB", tu_path(buf, sizeof buf, "fakenvml/libnvidia-ml.so.1"), 1);
	snprintf(buf, sizeof buf, "%d", ngpus);
	setenv("CTK_FAKENVML_DEVICES", buf, 1);
	if (curve)
		setenv("CTK_FAKENVML_CURVE", curve, 1);
	if (getcwd(cwd, sizeof cwd)) {
		snprintf(buf, sizeof buf, "%s/emptysys", cwd);
		tu_mkdirs(buf);
		setenv("CTK_SYSFS_ROOT", buf, 1);
	}
	unsetenv("CUDA_VISIBLE_DEVICES");
	unsetenv("NVIDIA_VISIBLE_DEVICES");
}

#endif
