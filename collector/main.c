/* ctk-collect: samples devices around a training command (issue #4). */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ctk-collect: not built yet\n");
	return 1;
}
