/* Pseudonymous references: personal identifiers (an e-mail, a phone, a
 * national id) never reach the public log; an entry carries
 * "<kind>:<hex HMAC-SHA-256(secret, kind ":" normalised identifier)>"
 * instead, and the identifier itself stays in the store's private area.
 * The same person gives the same reference under the same secret, so a
 * donor's gifts can be linked without revealing who they are. */
#ifndef GT_CORE_PSEUDO_H
#define GT_CORE_PSEUDO_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GT_PSEUDO_KEY_LEN 32
#define GT_PSEUDO_KIND_MAX 15
/* kind (at most 15 bytes) + ':' + 64 hex digits */
#define GT_PSEUDO_LEN (GT_PSEUDO_KIND_MAX + 1 + 64)

/* Write the reference for identifier into out (NUL-terminated). kind is a
 * short lower-case word ([a-z]{1,15}, e.g. "contact", "donor"); the
 * identifier is normalised first: surrounding ASCII white space removed and
 * ASCII letters lowered (independent of the locale). Returns 0, or GT_EINVAL for a bad kind or an
 * empty identifier. */
int gt_pseudonym(const uint8_t key[GT_PSEUDO_KEY_LEN], const char *kind, const char *identifier,
		 char out[GT_PSEUDO_LEN + 1]);

/* Load the secret from path, or create it (32 random bytes, mode 0600)
 * when create is true and the file does not exist. A file that other users
 * may read is refused (GT_EDENIED). */
int gt_pseudo_key_load(const char *path, bool create, uint8_t key[GT_PSEUDO_KEY_LEN],
		       gt_error *err);

#endif
