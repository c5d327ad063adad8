/* ctk-report: tables and charts from a ctk store. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ctk-report: not built yet\n");
	return 1;
}
