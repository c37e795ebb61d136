/* Error codes to text, and message recording. */
#include "core/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *gt_strerror(int code)
{
	switch (code) {
	case GT_OK:
		return "success";
	case GT_EINVAL:
		return "invalid input";
	case GT_EIO:
		return "input/output error";
	case GT_ENOMEM:
		return "out of memory";
	case GT_ECORRUPT:
		return "data is corrupt or inconsistent";
	case GT_ENOTFOUND:
		return "not found";
	case GT_ERANGE:
		return "out of range";
	case GT_ESIG:
		return "signature verification failed";
	case GT_EPROOF:
		return "proof verification failed";
	case GT_EEXIST:
		return "already exists";
	case GT_ETOOBIG:
		return "too big";
	case GT_ECRYPTO:
		return "cryptographic library error";
	case GT_ENET:
		return "network error";
	case GT_EBUSY:
		return "in use by another process";
	case GT_EDENIED:
		return "not allowed";
	case GT_ESTATE:
		return "refused by the current state";
	case GT_EUNAVAIL:
		return "temporarily unavailable";
	}
	return "unknown error";
}

static void S_vset(gt_error *err, int code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int gt_fail(gt_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		S_vset(err, code, fmt, ap);
		va_end(ap);
	}
	return code;
}

int gt_fail_errno(gt_error *err, int errno_value, const char *fmt, ...)
{
	int code = GT_EIO;
	if (errno_value == ENOMEM)
		code = GT_ENOMEM;
	else if (errno_value == ENOENT)
		code = GT_ENOTFOUND;
	else if (errno_value == EEXIST)
		code = GT_EEXIST;
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		S_vset(err, code, fmt, ap);
		va_end(ap);
		size_t len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errno_value));
	}
	return code;
}
