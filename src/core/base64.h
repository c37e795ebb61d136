/* Standard base64 (RFC 4648 section 4, with padding), and lower-case hex. */
#ifndef GT_CORE_BASE64_H
#define GT_CORE_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Length of the encoding of n bytes, without a terminating NUL. */
size_t gt_base64_len(size_t n);

/* Encode n bytes into out, which must hold gt_base64_len(n) + 1 bytes; out
 * is NUL-terminated. Returns the encoded length. */
size_t gt_base64_encode(const uint8_t *in, size_t n, char *out);

/* Decode exactly len characters of canonical padded base64 into out (room
 * for at least len / 4 * 3 bytes). Rejects characters outside the alphabet,
 * bad padding and non-zero trailing bits. On success returns 0 and sets
 * *ret_n; on failure returns GT_EINVAL. */
int gt_base64_decode(const char *in, size_t len, uint8_t *out, size_t *ret_n);

/* Encode n bytes as 2n lower-case hex digits into out (room for 2n + 1);
 * out is NUL-terminated. */
void gt_hex_encode(const uint8_t *in, size_t n, char *out);
/* Decode the first 2n characters of in, lower-case hex digits, into out[n]:
 * 0, or GT_EINVAL at anything else (in need not end there). */
int gt_hex_decode(const char *in, size_t n, uint8_t *out);

#endif
