/* The manifest of a report directory: DIR/.ctk-report-manifest lists, one
 * name a line, the files ctk report wrote there. A report replaces or removes
 * only files in it; any other existing file of the same name is an error
 * (exit 3) unless --force, so a user's own methods.tex or figure survives. */
#ifndef CTK_REPORT_MANIFEST_H
#define CTK_REPORT_MANIFEST_H

#include "common/err.h"

#define CTK_MANIFEST_NAME ".ctk-report-manifest"

struct ctk_manifest {
	char **names;   /* owned, file names relative to the directory */
	int n, cap;
};

/* Read DIR's manifest into m (empty when there is none). */
int ctk_manifest_load(const char *dir, struct ctk_manifest *m, struct ctk_error *err);
int ctk_manifest_has(const struct ctk_manifest *m, const char *name);
/* Add name once; 0 or CTK_ENOMEM. */
int ctk_manifest_add(struct ctk_manifest *m, const char *name, struct ctk_error *err);
/* Write m as DIR's manifest (temporary file, renamed). */
int ctk_manifest_save(const char *dir, const struct ctk_manifest *m, struct ctk_error *err);
void ctk_manifest_free(struct ctk_manifest *m);
/* Fails (CTK_EDB) when DIR/name exists, is not in m and force is 0. */
int ctk_manifest_check(const char *dir, const struct ctk_manifest *m, const char *name, int force,
		       struct ctk_error *err);

#endif
