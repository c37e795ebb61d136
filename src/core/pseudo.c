/* Pseudonymous references: HMAC-SHA-256 of a normalised identifier. */
#include "core/pseudo.h"
#include "core/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ASCII only, whatever the locale: a pseudonym must never change. */
static bool S_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int gt_pseudonym(const uint8_t key[GT_PSEUDO_KEY_LEN], const char *kind, const char *identifier,
		 char out[GT_PSEUDO_LEN + 1])
{
	size_t klen = kind ? strlen(kind) : 0;
	if (klen == 0 || klen > GT_PSEUDO_KIND_MAX)
		return GT_EINVAL;
	for (size_t i = 0; i < klen; i++)
		if (kind[i] < 'a' || kind[i] > 'z')
			return GT_EINVAL;
	if (!identifier)
		return GT_EINVAL;
	const char *s = identifier, *e = identifier + strlen(identifier);
	while (s < e && S_space(*s))
		s++;
	while (e > s && S_space(e[-1]))
		e--;
	if (s == e)
		return GT_EINVAL;

	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	/* message = kind ":" lower(identifier) */
	size_t n = klen + 1 + (size_t)(e - s);
	char stackbuf[512];
	char *msg = n <= sizeof(stackbuf) ? stackbuf : malloc(n);
	if (!msg)
		return GT_ENOMEM;
	memcpy(msg, kind, klen);
	msg[klen] = ':';
	for (size_t i = 0; i < (size_t)(e - s); i++)
		msg[klen + 1 + i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	uint8_t *r =
		HMAC(EVP_sha256(), key, GT_PSEUDO_KEY_LEN, (const uint8_t *)msg, n, mac, &maclen);
	if (msg != stackbuf)
		free(msg);
	if (!r || maclen != 32)
		return GT_ECRYPTO;
	static const char hex[] = "0123456789abcdef";
	memcpy(out, kind, klen);
	out[klen] = ':';
	for (unsigned i = 0; i < 32; i++) {
		out[klen + 1 + 2 * i] = hex[mac[i] >> 4];
		out[klen + 2 + 2 * i] = hex[mac[i] & 15];
	}
	out[klen + 1 + 64] = 0;
	return 0;
}

int gt_pseudo_key_load(const char *path, bool create, uint8_t key[GT_PSEUDO_KEY_LEN], gt_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		uint8_t k[GT_PSEUDO_KEY_LEN];
		if (RAND_bytes(k, sizeof(k)) != 1)
			return gt_fail(err, GT_ECRYPTO, "no randomness for the pseudonym secret");
		int rc = gt_fs_write_atomic(path, k, sizeof(k), 0600, 1, err);
		if (rc < 0) {
			OPENSSL_cleanse(k, sizeof(k));
			return rc;
		}
		memcpy(key, k, sizeof(k));
		OPENSSL_cleanse(k, sizeof(k));
		return 0;
	}
	if (fd < 0)
		return gt_fail_errno(err, errno, "cannot open the pseudonym secret %s", path);
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) {
		close(fd);
		return gt_fail(err, GT_EDENIED,
			       "%s is readable by other users (mode %03o): run chmod 600 %s", path,
			       (unsigned)(st.st_mode & 0777), path);
	}
	uint8_t k[GT_PSEUDO_KEY_LEN + 1];
	ssize_t got = read(fd, k, sizeof(k));
	int e = errno;
	close(fd);
	if (got < 0)
		return gt_fail_errno(err, e, "cannot read %s", path);
	if (got != GT_PSEUDO_KEY_LEN)
		return gt_fail(err, GT_ECORRUPT, "%s must hold exactly %d bytes", path,
			       GT_PSEUDO_KEY_LEN);
	memcpy(key, k, GT_PSEUDO_KEY_LEN);
	OPENSSL_cleanse(k, sizeof(k));
	return 0;
}
