/* Finding the data files bundled with ctk (see datafile.h). */
#include "common/datafile.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int readable(const char *p)
{
	return access(p, R_OK) == 0;
}

int ctk_data_file(const char *name, const char *what, char *buf, size_t size, struct ctk_error *err)
{
	const char *env = getenv("CTK_DATA_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(buf, size, "%s/%s", env, name);
		if (readable(buf))
			return 0;
		return ctk_failf(err, CTK_EDB, "'%s': cannot read %s (CTK_DATA_DIR)", buf, what);
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		snprintf(buf, size, "%s/../share/ctk/%s", exe, name);
		if (readable(buf))
			return 0;
		snprintf(buf, size, "%s/../../data/%s", exe, name); /* build/bin → repo/data */
		if (readable(buf))
			return 0;
		snprintf(buf, size, "%s/../../../data/%s", exe, name); /* build/asan/bin, build/tests */
		if (readable(buf))
			return 0;
	}
	return ctk_failf(err, CTK_EDB, "%s '%s' was not found next to the program "
			 "(install with make install, or set CTK_DATA_DIR)", what, name);
}
