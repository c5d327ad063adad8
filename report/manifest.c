/* The report directory's manifest (see manifest.h): load, look up, add,
 * save atomically, and the check that keeps ctk report off files it did
 * not write. */
#include "report/manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ctk_manifest_has(const struct ctk_manifest *m, const char *name)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->names[i], name))
			return 1;
	return 0;
}

int ctk_manifest_add(struct ctk_manifest *m, const char *name, struct ctk_error *err)
{
	if (ctk_manifest_has(m, name))
		return 0;
	if (m->n == m->cap) {
		int cap = m->cap ? 2 * m->cap : 32;
		char **p = realloc(m->names, (size_t)cap * sizeof(*p));
		if (!p)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		m->names = p;
		m->cap = cap;
	}
	if (!(m->names[m->n] = strdup(name)))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	m->n++;
	return 0;
}

void ctk_manifest_free(struct ctk_manifest *m)
{
	for (int i = 0; i < m->n; i++)
		free(m->names[i]);
	free(m->names);
	memset(m, 0, sizeof(*m));
}

int ctk_manifest_load(const char *dir, struct ctk_manifest *m, struct ctk_error *err)
{
	char path[4200], line[512];
	FILE *f;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof path, "%s/%s", dir, CTK_MANIFEST_NAME);
	if (!(f = fopen(path, "r")))
		return errno == ENOENT ? 0 : ctk_failf(err, CTK_EDB, "'%s': %s", path, strerror(errno));
	while (!rc && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		/* only plain names: a manifest cannot point outside DIR */
		if (line[0] == '#' || !line[0] || strchr(line, '/') || !strcmp(line, "..") || !strcmp(line, "."))
			continue;
		rc = ctk_manifest_add(m, line, err);
	}
	fclose(f);
	if (rc)
		ctk_manifest_free(m);
	return rc;
}

int ctk_manifest_save(const char *dir, const struct ctk_manifest *m, struct ctk_error *err)
{
	char path[4200], tmp[4300];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, CTK_MANIFEST_NAME);
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	if (!(f = fopen(tmp, "w")))
		return ctk_failf(err, CTK_EDB, "'%s': %s", tmp, strerror(errno));
	fputs("# Files written by ctk report. It replaces or removes only these; any other file is left alone.\n", f);
	for (int i = 0; i < m->n; i++)
		fprintf(f, "%s\n", m->names[i]);
	if (ferror(f) | fclose(f) || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		return ctk_failf(err, CTK_EDB, "'%s': %s", path, strerror(e));
	}
	return 0;
}

int ctk_manifest_check(const char *dir, const struct ctk_manifest *m, const char *name, int force,
		       struct ctk_error *err)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (force || ctk_manifest_has(m, name) || lstat(path, &st) != 0)
		return 0;
	return ctk_failf(err, CTK_EDB, "'%s' exists and was not written by ctk report (not in %s): "
			 "move it away, or use --force to replace it", path, CTK_MANIFEST_NAME);
}
