/* The importer table (see importers.h for how to add one) and lookup. */
#include "analyze/import/importers.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const struct ctk_importer *const ctk_importers[] = {
	&ctk_importer_nvsmi,
	&ctk_importer_epochs,
	&ctk_importer_carbontracker,
	&ctk_importer_codecarbon,
	&ctk_importer_zeus,
	&ctk_importer_zeus_summary,
	&ctk_importer_eco2ai,
	&ctk_importer_eit,
	&ctk_importer_powerjoular,
	&ctk_importer_powermetrics,
	&ctk_importer_prometheus,
	NULL,
};

const struct ctk_importer *ctk_importer_find(const char *name)
{
	for (int i = 0; ctk_importers[i]; i++)
		if (!strcmp(ctk_importers[i]->name, name))
			return ctk_importers[i];
	return NULL;
}

void ctk_import_warn(const struct ctk_import_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!o || !o->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	o->warn(o->warn_ctx, msg);
}
