/* C2SP tlog-checkpoint bodies: origin, tree size, root hash. */
#ifndef GT_LOG_CHECKPOINT_H
#define GT_LOG_CHECKPOINT_H

#include "core/buf.h"
#include "core/error.h"
#include "log/hash.h"
#include "log/note.h"

#include <stdint.h>

typedef struct gt_checkpoint {
	char origin[GT_NOTE_NAME_MAX + 1];
	uint64_t size;
	gt_hash root;
} gt_checkpoint;

/* Append the checkpoint's note text ("origin\nsize\nbase64root\n") to out. */
int gt_checkpoint_format(const gt_checkpoint *c, gt_buf *out);

/* Parse note text (the body only, as returned by gt_note_verify). Extension
 * lines after the root are allowed and ignored. GT_EINVAL on any deviation:
 * empty origin, size with leading zeros or out of range, root not 32 bytes
 * of canonical base64, empty extension lines. */
int gt_checkpoint_parse(const char *text, size_t len, gt_checkpoint *out, gt_error *err);

/* Sign c with s into out (a complete signed note). */
int gt_checkpoint_sign(const gt_checkpoint *c, const gt_signer *s, gt_buf *out, gt_error *err);

/* Verify a signed checkpoint with v and parse it; also requires the origin
 * to equal the key name. 0, GT_ESIG or GT_EINVAL. */
int gt_checkpoint_open(const gt_verifier *v, const char *note, size_t len, gt_checkpoint *out,
		       gt_error *err);

#endif
