/* Input files that are not regular files: a pipe or /dev/stdin is read once
 * (hashed while read) into an unlinked temporary file, so that importers can
 * open it as often as they like (sniff, hash, parse); a device (/dev/zero,
 * a terminal) is refused at once, since it may never end (issue 14). The
 * command front-end calls ctk_input_prepare() on each PATH before anything
 * opens it; every reader in common/ and the importers opens through
 * ctk_input_path(), which maps a prepared PATH to its copy. */
#ifndef CTK_INPUT_H
#define CTK_INPUT_H

#include <stdint.h>

#include "err.h"

/* Largest input read from a pipe (bytes), unless CTK_INPUT_MAX_BYTES says
 * otherwise: 4 GiB, about 8 times the largest real nvidia-smi log we have
 * seen (6.9 M rows, ~520 MB; DESIGN.md's anchor). */
#define CTK_INPUT_MAX_BYTES_DEFAULT (INT64_C(4) << 30)

/* Regular files and directories: nothing to do. Pipes, FIFOs and sockets:
 * copied once (at most the limit above, else CTK_EINPUT naming the limit).
 * Devices: CTK_EINPUT. A path that cannot be read: CTK_EINPUT. */
int ctk_input_prepare(const char *path, struct ctk_error *err);

/* The path to open for path: its copy when prepared from a pipe, else path. */
const char *ctk_input_path(const char *path);

/* The SHA-256 of a prepared pipe's bytes (hashed while read) into hex, 1;
 * 0 when path was not read from a pipe. */
int ctk_input_sha256(const char *path, char hex[65]);

/* Close every copy (the temporary files are already unlinked). */
void ctk_input_release_all(void);

#endif
