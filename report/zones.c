/* Zone names for reports (see zones.h): one line "ZONE,Name" per zone,
 * looked up by exact code; the table is small (under 200 rows), read per call. */
#include "report/zones.h"

#include <stdio.h>
#include <string.h>

#include "common/datafile.h"

void ctk_zone_words(const char *zone, char *buf, size_t size)
{
	struct ctk_error err = {0};
	char path[4096], line[256];
	size_t n = strlen(zone);
	FILE *f;

	snprintf(buf, size, "%s", zone);
	if (!n || ctk_data_file("zone-names.csv", "the zone-name table", path, sizeof path, &err) ||
	    !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!strncmp(line, zone, n) && line[n] == ',' && line[n + 1]) {
			snprintf(buf, size, "%s (%s)", line + n + 1, zone);
			break;
		}
	}
	fclose(f);
}
