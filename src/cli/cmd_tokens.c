/* Placeholder: being written in this session; replaced before it lands. */
#include "cli.h"

#include <stdio.h>

int cmd_tokens(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "promptcost: '%s' is not built yet\n", argv[0]);
	return PC_EXIT_ERROR;
}
