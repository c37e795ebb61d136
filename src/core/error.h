/* Error codes and messages shared by every layer of libgoodtrace. */
#ifndef GT_CORE_ERROR_H
#define GT_CORE_ERROR_H

/* Every libgoodtrace function that can fail returns 0 on success or one of
 * these negative codes. Foreign errors (errno, OpenSSL, libcurl, ...) are
 * converted where they enter. */
enum {
	GT_OK = 0,
	GT_EINVAL = -1,	  /* malformed input or argument */
	GT_EIO = -2,	  /* a system call failed */
	GT_ENOMEM = -3,	  /* allocation failed */
	GT_ECORRUPT = -4, /* stored data is inconsistent or tampered with */
	GT_ENOTFOUND = -5,
	GT_ERANGE = -6, /* an index or size outside what exists */
	GT_ESIG = -7,	/* a signature did not verify */
	GT_EPROOF = -8, /* a Merkle proof did not verify */
	GT_EEXIST = -9,
	GT_ETOOBIG = -10, /* over a documented limit */
	GT_ECRYPTO = -11, /* libcrypto failed */
	GT_ENET = -12,	  /* a network fetch failed */
	GT_EBUSY = -13,	  /* locked by another process */
	GT_EDENIED = -14,  /* not allowed for this caller (role, organisation) */
	GT_ESTATE = -15,   /* refused by the current state (e.g. already revoked) */
	GT_EUNAVAIL = -16, /* shutting down or overloaded: try again later */
};

/* A human-readable description of a GT_E* code; never NULL. */
const char *gt_strerror(int code);

/* A message buffer for callers that want to know precisely what failed.
 * Functions taking a gt_error * accept NULL. */
typedef struct gt_error {
	int code;
	char msg[512];
} gt_error;

/* Record code and a printf-style message in err (if not NULL); returns code
 * so that callers can write `return gt_fail(err, GT_EINVAL, "...")`. */
int gt_fail(gt_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like gt_fail, with ": <strerror(errno_value)>" appended; returns GT_EIO
 * (or GT_ENOMEM/GT_ENOTFOUND/GT_EEXIST where errno says so). */
int gt_fail_errno(gt_error *err, int errno_value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
