/* Zones in words for reports: "Germany (DE)" from the bundled table
 * data/zone-names.csv (common/datafile.h finds it); a zone not in it, or no
 * table, is written as its code. Never fails: a name is a courtesy. */
#ifndef CTK_REPORT_ZONES_H
#define CTK_REPORT_ZONES_H

#include <stddef.h>

/* "Name (ZONE)" or "ZONE" into buf. */
void ctk_zone_words(const char *zone, char *buf, size_t size);

#endif
