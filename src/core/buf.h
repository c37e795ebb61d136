/* Growable byte buffers and borrowed byte slices. */
#ifndef GT_CORE_BUF_H
#define GT_CORE_BUF_H

#include <stddef.h>
#include <stdint.h>

/* A borrowed, read-only run of bytes; never owns its memory. */
typedef struct gt_bytes {
	const uint8_t *data;
	size_t len;
} gt_bytes;

/* A growable buffer that owns its memory. Zero-initialise (GT_BUF_INIT) to
 * start; gt_buf_done frees it. data is always NUL-terminated after a
 * successful call (the NUL is not counted in len), so text can be used as a
 * C string. */
typedef struct gt_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
} gt_buf;

#define GT_BUF_INIT        \
	{                  \
		NULL, 0, 0 \
	}

/* Make room for at least extra more bytes. 0 or GT_ENOMEM. */
int gt_buf_reserve(gt_buf *b, size_t extra);
/* Append bytes. 0 or GT_ENOMEM (b unchanged on failure). */
int gt_buf_add(gt_buf *b, const void *data, size_t len);
int gt_buf_addstr(gt_buf *b, const char *s);
int gt_buf_addf(gt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Forget the contents, keep the memory. */
void gt_buf_reset(gt_buf *b);
/* Free the memory; b is left empty and reusable. Accepts NULL. */
void gt_buf_done(gt_buf *b);

#endif
