/* Files served as they are: the log's tiles and checkpoint under /log/, the
 * verifier key, and the web pages under /. */
#include "api/api_int.h"
#include "log/tilepath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_WEB_PATH_MAX 512

#define S_CSP                                                                            \
	"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " \
	"frame-ancestors 'none'"

enum {
	S_LOG = 1 << 0, /* a log file: readable from any origin */
	S_WEB = 1 << 1, /* a web page: the security headers of the pages */
};

static enum MHD_Result S_not_found(gt_req *r)
{
	return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "nothing at %s", r->url);
}

static enum MHD_Result S_file_status(gt_req *r, unsigned status, const char *path,
				     const char *ctype, const char *cache, unsigned kind);

/* A page that is not there: a browser (it asks for HTML) gets the site's
 * own 404 page, in the site's languages; anything else problem+json. */
static enum MHD_Result S_page_not_found(gt_req *r)
{
	const char *accept =
		MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	char path[4096];
	struct stat st;
	if (accept && strstr(accept, "text/html") &&
	    (size_t)snprintf(path, sizeof(path), "%s/404.html", r->api->web_dir) < sizeof(path) &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return S_file_status(r, MHD_HTTP_NOT_FOUND, path, "text/html; charset=utf-8",
				     "no-cache", S_WEB);
	return S_not_found(r);
}

/* Answer with the file at path, or 404 if it is not a regular file. */
static enum MHD_Result S_file(gt_req *r, const char *path, const char *ctype, const char *cache,
			      unsigned kind)
{
	return S_file_status(r, MHD_HTTP_OK, path, ctype, cache, kind);
}

static enum MHD_Result S_file_status(gt_req *r, unsigned status, const char *path,
				     const char *ctype, const char *cache, unsigned kind)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
			return (kind & S_WEB) && status == MHD_HTTP_OK ? S_page_not_found(r) :
									 S_not_found(r);
		return gt_api_problem_code(r, GT_EIO, NULL);
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return (kind & S_WEB) && status == MHD_HTTP_OK ? S_page_not_found(r) :
								 S_not_found(r);
	}
	struct MHD_Response *resp;
	if (st.st_size > 0) {
		resp = MHD_create_response_from_fd((size_t)st.st_size, fd);
		if (!resp)
			close(fd);
	} else {
		close(fd);
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	bool ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) == MHD_YES &&
		  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache) == MHD_YES;
	if (ok && (kind & S_LOG))
		ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN,
					     "*") == MHD_YES;
	if (ok && (kind & S_WEB))
		ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_SECURITY_POLICY,
					     S_CSP) == MHD_YES &&
		     MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") == MHD_YES;
	if (!ok) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	return gt_api_queue(r, status, resp);
}

enum MHD_Result gt_h_log_checkpoint(gt_req *r)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/checkpoint", r->api->log_dir) >= sizeof(path))
		return S_not_found(r);
	return S_file(r, path, "text/plain; charset=utf-8", "public, max-age=5", S_LOG);
}

enum MHD_Result gt_h_log_vkey(gt_req *r)
{
	return S_file(r, r->api->vkey_path, "text/plain; charset=utf-8", "public, max-age=3600",
		      S_LOG);
}

/* Tiles and entry bundles: only the paths tlog-tiles names. Full ones never
 * change; partial ones are replaced as the log grows. */
enum MHD_Result gt_h_log_tile(gt_req *r)
{
	char rel[GT_TILE_PATH_MAX + 8], path[4096];
	int level;
	uint64_t index;
	unsigned width;
	const char *rest = r->param[0];
	if (strlen(rest) > GT_TILE_PATH_MAX)
		return S_not_found(r);
	size_t n = (size_t)snprintf(rel, sizeof(rel), "tile/%s", rest);
	if (gt_tile_path_parse(rel, n, &level, &index, &width) < 0)
		return S_not_found(r);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", r->api->log_dir, rel) >= sizeof(path))
		return S_not_found(r);
	return S_file(r, path, "application/octet-stream",
		      width ? "public, max-age=5" : "public, max-age=31536000, immutable", S_LOG);
}

static const struct {
	const char *ext;
	const char *ctype;
} S_types[] = {
	{"html", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"json", "application/json"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"ico", "image/x-icon"},
	{"woff2", "font/woff2"},
	{"txt", "text/plain; charset=utf-8"},
};

static const char *S_ctype(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	if (dot)
		for (size_t i = 0; i < sizeof(S_types) / sizeof(S_types[0]); i++)
			if (strcmp(dot + 1, S_types[i].ext) == 0)
				return S_types[i].ctype;
	return "application/octet-stream";
}

/* Whether rel is a safe relative path: segments of [A-Za-z0-9._-], none
 * empty and none starting with a dot (no "..", no dotfiles). */
static bool S_web_path_ok(const char *rel)
{
	bool seg_start = true;
	if (!*rel || strlen(rel) > S_WEB_PATH_MAX)
		return false;
	for (const char *p = rel; *p; p++) {
		char c = *p;
		if (c == '/') {
			if (seg_start)
				return false;
			seg_start = true;
			continue;
		}
		if (seg_start && c == '.')
			return false;
		seg_start = false;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		if (!ok)
			return false;
	}
	return !seg_start;
}

static bool S_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Pages for a family of addresses: "/<prefix><name>" (one segment after
 * the prefix) is that page, whose script reads the name from the address. */
static const struct {
	const char *prefix;
	const char *page;
} S_param_pages[] = {
	{"campaigns/", "campaign.html"},
};

/* Pages at an address under another page's: "/<path>" is that page. */
static const struct {
	const char *path;
	const char *page;
} S_sub_pages[] = {
	{"volunteer/certificate", "volunteer-certificate.html"},
	{"forest/tree", "forest-tree.html"},
};

/* The pages: "/" is index.html, "/<name>" is <name>.html when there is one,
 * "<dir>/" is <dir>/index.html, "/campaigns/<id>" is campaign.html,
 * "/volunteer/certificate" is volunteer-certificate.html, "/forest/tree" is
 * forest-tree.html, anything else the
 * file at that path. */
enum MHD_Result gt_h_web(gt_req *r)
{
	const char *dir = r->api->web_dir;
	const char *rest = r->param[0];
	char rel[S_WEB_PATH_MAX + 16], path[4096];
	size_t n = strlen(rest);
	if (n > S_WEB_PATH_MAX)
		return S_page_not_found(r);
	if (n == 0 || rest[n - 1] == '/')
		snprintf(rel, sizeof(rel), "%sindex.html", rest);
	else
		snprintf(rel, sizeof(rel), "%s", rest);
	if (!S_web_path_ok(rel))
		return S_page_not_found(r);
	for (size_t i = 0; i < sizeof(S_sub_pages) / sizeof(S_sub_pages[0]); i++) {
		if (strcmp(rest, S_sub_pages[i].path) != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, S_sub_pages[i].page) >=
		    sizeof(path))
			return S_not_found(r);
		return S_file(r, path, S_ctype(path), "no-cache", S_WEB);
	}
	for (size_t i = 0; i < sizeof(S_param_pages) / sizeof(S_param_pages[0]); i++) {
		size_t k = strlen(S_param_pages[i].prefix);
		if (strncmp(rest, S_param_pages[i].prefix, k) != 0 || !rest[k] ||
		    strchr(rest + k, '/'))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, S_param_pages[i].page) >=
		    sizeof(path))
			return S_not_found(r);
		return S_file(r, path, S_ctype(path), "no-cache", S_WEB);
	}
	if (!strchr(rel, '/')) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.html", dir, rel) < sizeof(path) &&
		    S_is_file(path))
			return S_file(r, path, S_ctype(path), "no-cache", S_WEB);
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) >= sizeof(path))
		return S_not_found(r);
	return S_file(r, path, S_ctype(path), "no-cache", S_WEB);
}
