/* C2SP signed notes with Ed25519 keys: keys, signing and verification. */
#ifndef GT_LOG_NOTE_H
#define GT_LOG_NOTE_H

#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

/* Key names: 1..GT_NOTE_NAME_MAX bytes of UTF-8 without Unicode spaces or
 * '+'. Notes: at most GT_NOTE_MAX bytes and GT_NOTE_SIG_MAX signatures. */
#define GT_NOTE_NAME_MAX 256
#define GT_NOTE_MAX 65536
#define GT_NOTE_SIG_MAX 64

typedef struct gt_signer gt_signer;	/* opaque: name + Ed25519 private key */
typedef struct gt_verifier gt_verifier; /* opaque: name + Ed25519 public key */

/* Generate a fresh key pair for name. Returns 0 or GT_EINVAL (bad name),
 * GT_ECRYPTO, GT_ENOMEM. The caller frees *ret with gt_signer_free. */
int gt_signer_generate(const char *name, gt_signer **ret, gt_error *err);

/* Parse / produce the private key text
 * "PRIVATE+KEY+<name>+<8 hex id>+<base64(0x01 || 32-byte seed)>". */
int gt_signer_parse(const char *text, size_t len, gt_signer **ret, gt_error *err);
int gt_signer_encode(const gt_signer *s, gt_buf *out);
void gt_signer_free(gt_signer *s);

const char *gt_signer_name(const gt_signer *s);
/* The matching verifier; caller frees it. */
int gt_signer_verifier(const gt_signer *s, gt_verifier **ret);

/* Parse / produce the verifier key "<name>+<8 hex id>+<base64(0x01 || key)>".
 * Parsing checks that the id matches the name and key. Trailing newline or
 * whitespace is ignored. */
int gt_verifier_parse(const char *text, size_t len, gt_verifier **ret, gt_error *err);
int gt_verifier_encode(const gt_verifier *v, gt_buf *out);
void gt_verifier_free(gt_verifier *v);

const char *gt_verifier_name(const gt_verifier *v);
uint32_t gt_verifier_id(const gt_verifier *v);

/* Sign note text (must be valid note text: UTF-8, ends in '\n', no control
 * characters but '\n') and append "<text>\n— <name> <base64(id||sig)>\n" to
 * out. Returns 0, GT_EINVAL, GT_ECRYPTO or GT_ENOMEM. */
int gt_note_sign(const gt_signer *s, const char *text, size_t len, gt_buf *out, gt_error *err);

/* Verify a signed note against one known key. Unknown signatures (different
 * name or id) are ignored; a signature by the known key that fails makes the
 * whole note fail (GT_ESIG); no signature by the known key is GT_ESIG too.
 * Malformed notes are GT_EINVAL. On success sets *ret_text_len to the length
 * of the note text (which starts at note[0] and includes its final newline). */
int gt_note_verify(const gt_verifier *v, const char *note, size_t len, size_t *ret_text_len,
		   gt_error *err);

#endif
