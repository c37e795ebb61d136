/* Growable byte buffers. */
#include "core/buf.h"
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gt_buf_reserve(gt_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		return GT_ENOMEM;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	uint8_t *p = realloc(b->data, cap);
	if (!p)
		return GT_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int gt_buf_add(gt_buf *b, const void *data, size_t len)
{
	if (gt_buf_reserve(b, len) < 0)
		return GT_ENOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = 0;
	return 0;
}

int gt_buf_addstr(gt_buf *b, const char *s)
{
	return gt_buf_add(b, s, strlen(s));
}

int gt_buf_addf(gt_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return GT_EINVAL;
	if (gt_buf_reserve(b, (size_t)n) < 0)
		return GT_ENOMEM;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void gt_buf_reset(gt_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

void gt_buf_done(gt_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
