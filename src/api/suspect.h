/* Places that have checked a serialised pack lately (see suspect.c). */
#ifndef GT_API_SUSPECT_H
#define GT_API_SUSPECT_H

#include "core/error.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define GT_SUSPECT_SLOTS 65536		 /* sets of four packs (about 16 MiB) */
#define GT_SUSPECT_PLACES 8		 /* places remembered per pack */
#define GT_SUSPECT_WINDOW_S (30 * 86400) /* how long a place counts */

typedef struct gt_suspect gt_suspect;

/* A table of sets sets of four packs (0: GT_SUSPECT_SLOTS), counting a
 * place for window_s seconds (0: GT_SUSPECT_WINDOW_S). 0 or GT_ENOMEM. */
int gt_suspect_new(size_t sets, uint32_t window_s, gt_suspect **ret);
void gt_suspect_free(gt_suspect *s);

/* The place of a client: a hash of its network (IPv4 /24, IPv6 /48), from
 * the first address of forwarded (an X-Forwarded-For value the server was
 * told to trust) when given, else from sa. */
uint32_t gt_suspect_place(const struct sockaddr *sa, const char *forwarded);

/* Note a check of pack (gtin, serial) from place at now_s; returns how many
 * distinct places have checked it within the window, this one included
 * (at most GT_SUSPECT_PLACES). Thread-safe. */
unsigned gt_suspect_note(gt_suspect *s, const char *gtin, const char *serial, uint32_t place,
			 uint32_t now_s);

#endif
