/* The subcommands of ctk-analyze, one file each (cmd_<name>.c), listed in
 * one table in main.c. To add one: write cmd_<name>.c with a function of
 * this type, declare it here, add a line to the table in main.c, and add a
 * line to ctk/main.c so the dispatcher routes it here. A command may print
 * its results on stdout; errors go into err and main prints them. */
#ifndef CTK_ANALYZE_COMMANDS_H
#define CTK_ANALYZE_COMMANDS_H

#include "common/err.h"

typedef int (*ctk_command_fn)(int argc, char **argv, struct ctk_error *err);

int ctk_cmd_import(int argc, char **argv, struct ctk_error *err);
int ctk_cmd_analyze(int argc, char **argv, struct ctk_error *err);
int ctk_cmd_export(int argc, char **argv, struct ctk_error *err);
int ctk_cmd_runs(int argc, char **argv, struct ctk_error *err);
int ctk_cmd_intensity(int argc, char **argv, struct ctk_error *err);
int ctk_cmd_evaluate(int argc, char **argv, struct ctk_error *err);
int ctk_cmd_compare(int argc, char **argv, struct ctk_error *err);
int ctk_cmd_config(int argc, char **argv, struct ctk_error *err);
int ctk_cmd_whatif(int argc, char **argv, struct ctk_error *err);
int ctk_cmd_merge(int argc, char **argv, struct ctk_error *err);

/* After getopt: an argument left over, or no --db, is a usage error (0 if
 * neither). Shared by the subcommands' option parsers. */
int ctk_cmd_args_end(int argc, char **argv, const char *db, struct ctk_error *err);

#endif
