/* gt-httpload: an HTTP/1.1 load generator for loopback servers (libc only).
 *
 * Each thread owns an epoll instance and a share of the connections. Every
 * connection is a keep-alive, non-blocking socket with exactly one request in
 * flight (no pipelining): when a response is complete, the next request is
 * written on the same connection. Responses are parsed fully (status line,
 * headers, Content-Length, chunked transfer coding, read-until-close), every
 * latency goes into a log-linear histogram in microseconds, and the threads'
 * figures are merged at the end. A body may be a batch: {items} expands to K
 * items rendered from their own template, each numbered ({i}) across the run.
 * {pick:NAME} takes a random line of a file (--pick), and --count counts a
 * string in the bodies of the responses that succeeded. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char S_usage[] =
	"Usage: gt-httpload --url http://127.0.0.1:PORT[/PATH] [options]\n"
	"\n"
	"Load an HTTP/1.1 server on this machine: N keep-alive connections, each\n"
	"with one request in flight (no pipelining), for a duration or a number of\n"
	"requests. Prints a summary and, last, one machine-readable line:\n"
	"  requests=N errors=N seconds=S rate=R p50_ms=X p90_ms=X p99_ms=X max_ms=X\n"
	"requests counts the responses received; errors counts the responses that are\n"
	"not 2xx (or not --expect-status) plus the requests that got no valid response\n"
	"(connection failure, malformed response, timeout); rate is requests per\n"
	"second; latencies are in milliseconds, from the first byte of a request\n"
	"written to the last byte of its response.\n"
	"\n"
	"Options:\n"
	"  --url URL               http://127.0.0.1:PORT or http://[::1]:PORT, with an\n"
	"                          optional path (default /); loopback addresses only\n"
	"  --connections N         concurrent connections (default 64)\n"
	"  --threads T             threads sharing the connections (default 1)\n"
	"  --duration SECONDS      send requests for this long, then wait for those in\n"
	"                          flight (default 10 unless --requests is given)\n"
	"  --requests N            send N requests in all\n"
	"  --method GET|POST       the request method (default GET)\n"
	"  --header 'Name: value'  add a request header (repeatable)\n"
	"  --body-template STRING  the request body: {n} becomes the request's number\n"
	"                          (0, 1, 2, ...) and {hex64} 64 hex digits derived from\n"
	"                          it, different for every request of a run\n"
	"  --path-template PATH    the request path, e.g. /log/proof?index={rand:1000}:\n"
	"                          {rand:N} becomes a random integer in [0,N); {n} and\n"
	"                          {hex64} as in the body (default: the path of --url)\n"
	"  --items K               {items} in the body becomes K renderings of\n"
	"                          --item-template separated by commas (a batch); in\n"
	"                          an item, {i} is the item's number in the run\n"
	"                          (n * K + its place in the request), {n}, {hex64} and\n"
	"                          {rand:N} as in the body; {i} outside an item is the\n"
	"                          number of the request's first item ({n} without\n"
	"                          --items). The last line adds items= and item_rate=:\n"
	"                          the items of the responses that succeeded\n"
	"  --item-template STRING  one item of {items}\n"
	"  --items-total T         with --items: send T items in all, K per request and\n"
	"                          the rest in the last (instead of --requests)\n"
	"  --pick NAME=FILE        {pick:NAME} in the path, body or item becomes a\n"
	"                          random line of FILE (without its line break), each\n"
	"                          line as likely as the others: repeat a line to make\n"
	"                          it likelier (repeatable, up to 8 files)\n"
	"  --count NAME=STRING     count the occurrences of STRING in the bodies of the\n"
	"                          responses that succeeded; the last line adds\n"
	"                          NAME=N (repeatable, up to 8; STRING 1 to 256 bytes)\n"
	"  --save-body N:FILE      write the body of the response to request number N\n"
	"                          (0, 1, ...) to FILE (repeatable, up to 8; at most\n"
	"                          64 MiB each); a response that never came is an error\n"
	"  --timeout SECONDS       a request without a complete response after this\n"
	"                          long fails (default 10)\n"
	"  --seed N                seed of {rand:N}, {pick:NAME} and {hex64} (default:\n"
	"                          random)\n"
	"  --expect-status CODE    count any other status as an error (default: any 2xx\n"
	"                          is a success)\n"
	"  --allow-errors          exit 0 even if some requests failed\n"
	"  --help                  show this help\n"
	"\n"
	"Exit status: 0 success, 1 errors or failure, 2 bad usage.\n";

enum {
	S_RBUF = 16384,	      /* read buffer per connection: a response head must fit */
	S_LINE_MAX = 4096,    /* chunk-size and trailer lines */
	S_EVENTS = 256,	      /* epoll events per wait */
	S_THREADS_MAX = 256,  /* --threads */
	S_CONNS_MAX = 100000, /* --connections */
	S_HEADERS_MAX = 64,   /* --header */
	S_TEMPLATE_MAX = 1 << 20,
	S_ITEMS_MAX = 1000000, /* --items */
	S_SAVES_MAX = 8,       /* --save-body */
	S_SAMPLE_MAX = 200,    /* bytes of the first unexpected body kept for the report */
	S_PICKS_MAX = 8,       /* --pick */
	S_COUNTS_MAX = 8,      /* --count */
	S_COUNT_LEN_MAX = 256, /* bytes of a --count string */
};
#define S_SCAN_NS 50000000ULL	  /* timeouts and reconnections are checked this often */
#define S_BACKOFF_NS 100000000ULL /* wait after a failed connect */
#define S_RENDER_MAX (1ULL << 30) /* bytes of a rendered body with its items */
#define S_SAVE_MAX (64U << 20)	  /* bytes of a saved response body */

/* ---- templates ---- */

enum {
	S_TEXT,
	S_N,
	S_HEX64,
	S_RAND,
	S_I,	 /* {i}: an item's number */
	S_ITEMS, /* {items}: the request's items */
	S_PICK	 /* {pick:NAME}: a random line of a file */
};

typedef struct {
	int kind;
	size_t off, len; /* S_TEXT: a slice of the source */
	uint64_t bound;	 /* S_RAND: N of {rand:N}; S_PICK: the file's place in S_cfg.picks */
} S_part;

/* A file of lines for {pick:NAME} (--pick), read whole at the start. */
typedef struct {
	const char *name, *file;
	char *text;
	size_t *start, *len; /* each line's offset in text and length */
	size_t nlines, max_len;
} S_pick;

/* A string to count in response bodies (--count). */
typedef struct {
	const char *name, *str;
	size_t len;
} S_count;

typedef struct {
	const char *src;
	S_part *parts;
	size_t nparts;
	size_t max_len; /* the longest rendering */
} S_template;

/* ---- latency histogram: log-linear, microseconds ---- */

/* Values below 2^S_SUB_BITS have a bucket each; above, every power-of-two
 * range [2^m, 2^(m+1)) has S_HALF buckets, so a bucket is at most 1/128 of
 * its values wide. Values from 2^S_MAX_BITS us (about 12 days) are clamped. */
#define S_SUB_BITS 8
#define S_SUB (1U << S_SUB_BITS)
#define S_HALF (S_SUB / 2)
#define S_MAX_BITS 40
#define S_BUCKETS (S_SUB + (S_MAX_BITS - S_SUB_BITS) * S_HALF)

/* A response body to keep (--save-body): only the connection that sent
 * request n writes to it, and main reads it after the threads are joined. */
typedef struct {
	uint64_t n;
	const char *file;
	char *buf;
	size_t len, cap;
	bool over;  /* longer than S_SAVE_MAX */
	bool saved; /* the complete response was written to the file */
} S_save;

typedef struct {
	uint64_t count[S_BUCKETS];
	uint64_t n, min, max, sum;
} S_hist;

/* ---- connections and threads ---- */

enum {
	C_CLOSED,
	C_WAIT,
	C_CONNECTING,
	C_BUSY
};
enum {
	P_HEAD,
	P_BODY,
	P_CHUNK_SIZE,
	P_CHUNK_DATA,
	P_CHUNK_END,
	P_TRAILER,
	P_UNTIL_CLOSE
};
enum {
	E_STATUS,
	E_CONNECT,
	E_IO,
	E_CLOSED,
	E_PROTO,
	E_TIMEOUT,
	E_KINDS
};

static const char *const S_error_names[E_KINDS] = {
	"status", "connect", "read/write", "closed early", "malformed", "timeout",
};

typedef struct {
	int fd;
	int state;    /* C_* */
	uint32_t gen; /* bumped on every close: stale epoll events are ignored */
	bool want_out;
	bool got;		  /* bytes of the current response have arrived */
	bool sampling;		  /* keep the body of this unexpected response for the report */
	uint64_t t_start;	  /* ns: request (or connect) started */
	uint64_t t_retry, t_fail; /* ns: next connect attempt; first failure of a streak */
	char *wbuf;
	size_t wlen, woff;
	int pstate; /* P_* */
	int status;
	bool keepalive;
	uint64_t left;	   /* bytes of body or chunk still to come */
	uint64_t items;	   /* items of the request in flight (--items) */
	S_save *save;	   /* where its response body goes (--save-body), or NULL */
	bool counting;	   /* the response succeeded so far: count --count strings in it */
	uint64_t *counted; /* per --count: occurrences in the response in flight */
	char *carry;	   /* per --count: its last len - 1 body bytes */
	size_t *carried;   /* per --count: how many bytes of carry are set */
	const char *why;
	size_t rlen, rpos;
	char rbuf[S_RBUF];
} S_conn;

typedef struct {
	uint64_t responses;
	uint64_t items;			/* items of the responses that succeeded */
	uint64_t counted[S_COUNTS_MAX]; /* --count, in the responses that succeeded */
	uint64_t status[6];		/* by status / 100 */
	uint64_t err[E_KINDS];
	uint64_t opened;
	char first_error[256];
	int sample_status;
	size_t sample_len;
	char sample[S_SAMPLE_MAX];
	S_hist hist;
} S_stats;

typedef struct {
	int epfd;
	S_conn *conns;
	size_t nconns, live;
	uint64_t rng;
	bool stopping;
	char *body; /* where the body is rendered */
	char fatal[256];
	pthread_t thread;
	S_stats st;
} S_worker;

/* The run's settings: written by main before the threads start. */
static struct {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char hostport[80]; /* "127.0.0.1:8080" or "[::1]:8080" */
	char path[4096];
	unsigned connections, threads;
	double duration;
	uint64_t requests;
	const char *method;
	S_template tpath, tbody, titem;
	uint64_t items, items_total; /* --items, --items-total */
	S_save saves[S_SAVES_MAX];
	size_t nsaves;
	S_pick picks[S_PICKS_MAX];
	size_t npicks;
	S_count counts[S_COUNTS_MAX];
	size_t ncounts;
	bool has_body;
	char *head; /* " HTTP/1.1\r\nHost: ...\r\n" and the extra headers */
	size_t head_len;
	uint64_t timeout_ns, seed;
	bool allow_errors;
	int expect; /* the only status accepted; 0: any 2xx */
} S_cfg;

static atomic_uint_fast64_t S_issued; /* requests started, all threads */
static atomic_int S_stop;	      /* set by SIGINT / SIGTERM */
static uint64_t S_deadline;	      /* ns on the monotonic clock; 0: none */

static void S_die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void S_die_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gt-httpload: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(" (see --help)\n", stderr);
	va_end(ap);
	exit(2);
}

static void S_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void S_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gt-httpload: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint64_t S_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* splitmix64: a bijection of 64-bit values with good mixing. */
static uint64_t S_mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t S_random(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return S_mix(*state);
}

/* ---- templates ---- */

static void S_template_add(S_template *t, S_part p, size_t items_len)
{
	t->parts[t->nparts++] = p;
	t->max_len += p.kind == S_TEXT	? p.len :
		      p.kind == S_HEX64 ? 64 :
		      p.kind == S_ITEMS ? items_len :
		      p.kind == S_PICK	? S_cfg.picks[p.bound].max_len :
					  20;
	if (t->max_len > S_RENDER_MAX)
		S_die_usage("a rendered body would be over %llu bytes",
			    (unsigned long long)S_RENDER_MAX);
}

/* Split src into text and the placeholders {n}, {i}, {hex64}, {rand:N},
 * {pick:NAME} and, if items_len (the longest rendering of the items) is not 0,
 * {items}; any other brace is text. Exits on a malformed {rand:...} and on a
 * {pick:...} without its --pick. */
static void S_template_parse(const char *what, const char *src, S_template *t, size_t items_len)
{
	size_t n = strlen(src), text = 0, i = 0;
	if (n > S_TEMPLATE_MAX)
		S_die_usage("%s is longer than %d bytes", what, S_TEMPLATE_MAX);
	*t = (S_template){.src = src, .parts = calloc(n + 1, sizeof(S_part))};
	if (!t->parts)
		S_die("out of memory");
	while (i < n) {
		S_part p = {.kind = S_TEXT};
		size_t plen = 0;
		if (strncmp(src + i, "{n}", 3) == 0) {
			p.kind = S_N;
			plen = 3;
		} else if (strncmp(src + i, "{i}", 3) == 0) {
			p.kind = S_I;
			plen = 3;
		} else if (items_len && strncmp(src + i, "{items}", 7) == 0) {
			p.kind = S_ITEMS;
			plen = 7;
		} else if (strncmp(src + i, "{hex64}", 7) == 0) {
			p.kind = S_HEX64;
			plen = 7;
		} else if (strncmp(src + i, "{rand:", 6) == 0) {
			const char *d = src + i + 6;
			char *end;
			errno = 0;
			unsigned long long b = strtoull(d, &end, 10);
			if (*d < '0' || *d > '9' || errno || *end != '}' || b == 0)
				S_die_usage("%s: {rand:N} needs N, a positive integer, in %s", what,
					    src);
			p.kind = S_RAND;
			p.bound = b;
			plen = (size_t)(end + 1 - (src + i));
		} else if (strncmp(src + i, "{pick:", 6) == 0) {
			const char *d = src + i + 6, *end = strchr(d, '}');
			size_t k = 0, nlen = end ? (size_t)(end - d) : 0;
			while (k < S_cfg.npicks && (strlen(S_cfg.picks[k].name) != nlen ||
						    strncmp(S_cfg.picks[k].name, d, nlen) != 0))
				k++;
			if (!end || k == S_cfg.npicks)
				S_die_usage("%s: {pick:NAME} needs a --pick NAME=FILE, in %s", what,
					    src);
			p.kind = S_PICK;
			p.bound = k;
			plen = (size_t)(end + 1 - (src + i));
		}
		if (!plen) {
			i++;
			continue;
		}
		if (i > text)
			S_template_add(t, (S_part){.kind = S_TEXT, .off = text, .len = i - text},
				       items_len);
		S_template_add(t, p, items_len);
		i += plen;
		text = i;
	}
	if (n > text)
		S_template_add(t, (S_part){.kind = S_TEXT, .off = text, .len = n - text},
			       items_len);
}

/* The number of items of request n (--items; 0 without). */
static uint64_t S_items_of(uint64_t n)
{
	if (!S_cfg.items)
		return 0;
	if (!S_cfg.items_total)
		return S_cfg.items;
	uint64_t first = n * S_cfg.items;
	if (first >= S_cfg.items_total)
		return 0;
	uint64_t rest = S_cfg.items_total - first;
	return rest < S_cfg.items ? rest : S_cfg.items;
}

static size_t S_put_u64(char *out, uint64_t v)
{
	char tmp[20];
	size_t k = 0;
	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < k; i++)
		out[i] = tmp[k - 1 - i];
	return k;
}

/* Render t for request number n into out (room for t->max_len bytes): an
 * item (item_of set) of number i, or a path or body whose first item is i.
 * {hex64} is derived from the item's number in an item, from n elsewhere. */
static size_t S_template_render(const S_template *t, uint64_t n, uint64_t i_first, bool item_of,
				uint64_t *rng, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = 0;
	for (size_t i = 0; i < t->nparts; i++) {
		const S_part *p = &t->parts[i];
		switch (p->kind) {
		case S_TEXT:
			memcpy(out + len, t->src + p->off, p->len);
			len += p->len;
			break;
		case S_N:
			len += S_put_u64(out + len, n);
			break;
		case S_I:
			len += S_put_u64(out + len, i_first);
			break;
		case S_ITEMS: {
			uint64_t k = S_items_of(n);
			for (uint64_t j = 0; j < k; j++) {
				if (j)
					out[len++] = ',';
				len += S_template_render(&S_cfg.titem, n, i_first + j, true, rng,
							 out + len);
			}
			break;
		}
		case S_HEX64: {
			/* the first word is a bijection of n (of the item's number in
			 * an item): distinct for every request (item) of a run */
			uint64_t w0 =
				item_of ? S_mix(i_first ^ ~S_cfg.seed) : S_mix(n ^ S_cfg.seed);
			for (uint64_t k = 0; k < 4; k++) {
				uint64_t w = k == 0 ? w0 : S_mix(w0 + k);
				for (int b = 60; b >= 0; b -= 4)
					out[len++] = hex[(w >> b) & 15];
			}
			break;
		}
		case S_RAND:
			len += S_put_u64(out + len, S_random(rng) % p->bound);
			break;
		case S_PICK: {
			const S_pick *f = &S_cfg.picks[p->bound];
			uint64_t k = S_random(rng) % f->nlines;
			memcpy(out + len, f->text + f->start[k], f->len[k]);
			len += f->len[k];
			break;
		}
		}
	}
	return len;
}

/* ---- histogram ---- */

static size_t S_hist_index(uint64_t v)
{
	if (v >= 1ULL << S_MAX_BITS)
		v = (1ULL << S_MAX_BITS) - 1;
	if (v < S_SUB)
		return (size_t)v;
	unsigned m = 63U - (unsigned)__builtin_clzll(v);
	unsigned g = m - S_SUB_BITS + 1; /* v >> g is in [S_HALF, S_SUB) */
	return S_SUB + (g - 1) * S_HALF + (size_t)((v >> g) - S_HALF);
}

/* The largest value counted in bucket i. */
static uint64_t S_hist_upper(size_t i)
{
	if (i < S_SUB)
		return i;
	unsigned g = (unsigned)((i - S_SUB) / S_HALF) + 1;
	uint64_t sub = (i - S_SUB) % S_HALF + S_HALF;
	return (sub << g) + (1ULL << g) - 1;
}

static void S_hist_add(S_hist *h, uint64_t us)
{
	h->count[S_hist_index(us)]++;
	if (h->n == 0 || us < h->min)
		h->min = us;
	if (us > h->max)
		h->max = us;
	h->n++;
	h->sum += us;
}

static void S_hist_merge(S_hist *to, const S_hist *from)
{
	if (from->n == 0)
		return;
	for (size_t i = 0; i < S_BUCKETS; i++)
		to->count[i] += from->count[i];
	if (to->n == 0 || from->min < to->min)
		to->min = from->min;
	if (from->max > to->max)
		to->max = from->max;
	to->n += from->n;
	to->sum += from->sum;
}

/* The value at quantile q (0..1), in microseconds: the upper edge of the
 * bucket holding it, never above the largest value recorded. */
static uint64_t S_hist_quantile(const S_hist *h, double q)
{
	if (h->n == 0)
		return 0;
	double want = q * (double)h->n;
	uint64_t rank = (uint64_t)want, seen = 0;
	if ((double)rank < want || rank == 0)
		rank++;
	for (size_t i = 0; i < S_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= rank) {
			uint64_t v = S_hist_upper(i);
			return v > h->max ? h->max : v;
		}
	}
	return h->max;
}

/* ---- response parsing ---- */

static bool S_status_ok(int status)
{
	return S_cfg.expect ? status == S_cfg.expect : status / 100 == 2;
}

/* The line at p: returns its length including the '\n' (0 if incomplete) and
 * sets *ret_len to its length without "\r\n" or "\n". */
static size_t S_line(const char *p, size_t avail, size_t *ret_len)
{
	const char *nl = memchr(p, '\n', avail);
	if (!nl)
		return 0;
	size_t len = (size_t)(nl - p);
	*ret_len = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
	return len + 1;
}

static bool S_ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Whether the comma-separated list v (len bytes) holds token; with last,
 * whether its last element is token. Case-insensitive. */
static bool S_has_token(const char *v, size_t len, const char *token, bool last)
{
	size_t tlen = strlen(token), i = 0;
	bool found = false;
	while (i <= len) {
		size_t j = i;
		while (j < len && v[j] != ',')
			j++;
		size_t a = i, b = j;
		while (a < b && S_ows(v[a]))
			a++;
		while (b > a && S_ows(v[b - 1]))
			b--;
		bool eq = b - a == tlen && strncasecmp(v + a, token, tlen) == 0;
		if (last)
			found = eq;
		else if (eq)
			return true;
		i = j + 1;
	}
	return found;
}

static bool S_name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && strncasecmp(name, want, len) == 0;
}

static int S_bad(S_conn *c, const char *why)
{
	c->why = why;
	return -1;
}

/* Parse a response head at p (avail bytes). Returns its length and sets up
 * the body state, 0 if incomplete, -1 if malformed (c->why). */
static long S_parse_head(S_conn *c, const char *p, size_t avail)
{
	size_t len, k = S_line(p, avail, &len);
	if (!k)
		return avail >= S_RBUF ? S_bad(c, "response head larger than 16 KiB") : 0;
	const char *l = p;
	if (len < 12 || memcmp(l, "HTTP/1.", 7) != 0 || l[7] < '0' || l[7] > '9' || l[8] != ' ' ||
	    l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9' ||
	    (len > 12 && l[12] != ' '))
		return S_bad(c, "bad status line");
	int minor = l[7] - '0';
	int status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	bool close = false, keep = false, te = false, chunked = false, has_cl = false;
	uint64_t cl = 0;
	size_t off = k;
	for (;;) {
		k = S_line(p + off, avail - off, &len);
		if (!k)
			return avail >= S_RBUF ? S_bad(c, "response head larger than 16 KiB") : 0;
		l = p + off;
		off += k;
		if (len == 0)
			break;
		if (S_ows(l[0]))
			return S_bad(c, "folded header line");
		const char *colon = memchr(l, ':', len);
		if (!colon || colon == l)
			return S_bad(c, "header line without a name and a colon");
		size_t nlen = (size_t)(colon - l);
		for (size_t i = 0; i < nlen; i++)
			if (S_ows(l[i]) || (unsigned char)l[i] < 0x21 || l[i] == 0x7f)
				return S_bad(c, "bad header name");
		const char *v = colon + 1;
		size_t vlen = len - nlen - 1;
		while (vlen && S_ows(*v)) {
			v++;
			vlen--;
		}
		while (vlen && S_ows(v[vlen - 1]))
			vlen--;
		if (S_name_is(l, nlen, "content-length")) {
			uint64_t x = 0;
			if (vlen == 0 || vlen > 18)
				return S_bad(c, "bad Content-Length");
			for (size_t i = 0; i < vlen; i++) {
				if (v[i] < '0' || v[i] > '9')
					return S_bad(c, "bad Content-Length");
				x = x * 10 + (uint64_t)(v[i] - '0');
			}
			if (has_cl && x != cl)
				return S_bad(c, "conflicting Content-Length headers");
			has_cl = true;
			cl = x;
		} else if (S_name_is(l, nlen, "transfer-encoding")) {
			te = true;
			chunked = S_has_token(v, vlen, "chunked", true);
		} else if (S_name_is(l, nlen, "connection")) {
			close |= S_has_token(v, vlen, "close", false);
			keep |= S_has_token(v, vlen, "keep-alive", false);
		}
	}
	if (status / 100 == 1) {
		/* interim response (100 Continue, 103 Early Hints): the final one follows */
		if (status == 101)
			return S_bad(c, "unexpected 101 Switching Protocols");
		c->pstate = P_HEAD;
		return (long)off;
	}
	c->status = status;
	c->keepalive = !close && (minor >= 1 || keep);
	if (status == 204 || status == 304) {
		c->pstate = P_BODY;
		c->left = 0;
	} else if (te && chunked) {
		c->pstate = P_CHUNK_SIZE;
	} else if (te || !has_cl) {
		/* no length: the body ends when the server closes */
		c->pstate = P_UNTIL_CLOSE;
		c->keepalive = false;
	} else {
		c->pstate = P_BODY;
		c->left = cl;
	}
	return (long)off;
}

/* Append k bytes at p to a response body kept for --save-body. */
static void S_save_add(S_save *s, const char *p, size_t k)
{
	if (s->over || k == 0)
		return;
	if (k > S_SAVE_MAX - s->len) {
		s->over = true;
		return;
	}
	if (s->len + k > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		while (cap < s->len + k)
			cap *= 2;
		char *buf = realloc(s->buf, cap);
		if (!buf) {
			s->over = true;
			return;
		}
		s->buf = buf;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, k);
	s->len += k;
}

/* Count the --count strings in k body bytes at p, with those that straddle
 * the end of the bytes before: each string's last len - 1 bytes are carried. */
static void S_count_add(S_conn *c, const char *p, size_t k)
{
	for (size_t j = 0; j < S_cfg.ncounts; j++) {
		const S_count *s = &S_cfg.counts[j];
		char *carry = c->carry + j * S_COUNT_LEN_MAX;
		size_t have = c->carried[j], keep = s->len - 1;
		if (have) {
			/* the occurrences that start in the carried bytes */
			char join[2 * S_COUNT_LEN_MAX];
			size_t more = k < keep ? k : keep;
			memcpy(join, carry, have);
			memcpy(join + have, p, more);
			for (size_t at = 0; at < have && at + s->len <= have + more; at++)
				if (memcmp(join + at, s->str, s->len) == 0)
					c->counted[j]++;
		}
		for (const char *q = p, *e = p + k; (size_t)(e - q) >= s->len;) {
			const char *m = memmem(q, (size_t)(e - q), s->str, s->len);
			if (!m)
				break;
			c->counted[j]++;
			q = m + 1;
		}
		if (k >= keep) {
			memcpy(carry, p + k - keep, keep);
			c->carried[j] = keep;
		} else {
			size_t drop = have + k > keep ? have + k - keep : 0;
			memmove(carry, carry + drop, have - drop);
			memcpy(carry + have - drop, p, k);
			c->carried[j] = have - drop + k;
		}
	}
}

/* Keep k body bytes at p: for --save-body, for --count, and the start of
 * the first unexpected response for the report. */
static void S_sample(S_worker *w, S_conn *c, const char *p, size_t k)
{
	if (c->save)
		S_save_add(c->save, p, k);
	if (c->counting)
		S_count_add(c, p, k);
	if (!c->sampling)
		return;
	size_t room = S_SAMPLE_MAX - w->st.sample_len;
	if (k > room)
		k = room;
	memcpy(w->st.sample + w->st.sample_len, p, k);
	w->st.sample_len += k;
}

/* Consume up to c->left body bytes at p. */
static size_t S_take(S_worker *w, S_conn *c, const char *p, size_t avail)
{
	size_t k = avail < c->left ? avail : (size_t)c->left;
	S_sample(w, c, p, k);
	c->left -= k;
	c->rpos += k;
	return k;
}

/* Parse what has arrived. Returns 1 when the response is complete, 0 when
 * more bytes are needed, -1 if it is malformed (c->why says how). */
static int S_parse(S_worker *w, S_conn *c)
{
	for (;;) {
		const char *p = c->rbuf + c->rpos;
		size_t avail = c->rlen - c->rpos, len, k;
		switch (c->pstate) {
		case P_HEAD: {
			long r = S_parse_head(c, p, avail);
			if (r <= 0)
				return (int)r;
			c->rpos += (size_t)r;
			if (c->pstate != P_HEAD && !S_status_ok(c->status) &&
			    w->st.sample_status == 0) {
				w->st.sample_status = c->status;
				c->sampling = true;
			}
			if (c->pstate != P_HEAD && S_cfg.ncounts && S_status_ok(c->status)) {
				c->counting = true;
				memset(c->counted, 0, S_cfg.ncounts * sizeof(*c->counted));
				memset(c->carried, 0, S_cfg.ncounts * sizeof(*c->carried));
			}
			break;
		}
		case P_BODY:
			S_take(w, c, p, avail);
			return c->left == 0;
		case P_CHUNK_SIZE: {
			k = S_line(p, avail, &len);
			if (!k)
				return avail >= S_LINE_MAX ? S_bad(c, "chunk-size line too long") :
							     0;
			uint64_t size = 0;
			size_t i = 0;
			for (; i < len; i++) {
				char ch = p[i];
				int d = ch >= '0' && ch <= '9' ? ch - '0' :
					ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
					ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 :
								 -1;
				if (d < 0)
					break;
				if (i >= 15)
					return S_bad(c, "chunk size too large");
				size = size * 16 + (uint64_t)d;
			}
			if (i == 0)
				return S_bad(c, "bad chunk size");
			while (i < len && S_ows(p[i]))
				i++;
			if (i < len && p[i] != ';')
				return S_bad(c, "bad chunk size");
			c->rpos += k;
			c->left = size;
			c->pstate = size ? P_CHUNK_DATA : P_TRAILER;
			break;
		}
		case P_CHUNK_DATA:
			S_take(w, c, p, avail);
			if (c->left)
				return 0;
			c->pstate = P_CHUNK_END;
			break;
		case P_CHUNK_END:
			k = S_line(p, avail, &len);
			if (!k)
				return avail >= 2 ? S_bad(c, "chunk data not followed by CRLF") : 0;
			if (len != 0)
				return S_bad(c, "chunk data not followed by CRLF");
			c->rpos += k;
			c->pstate = P_CHUNK_SIZE;
			break;
		case P_TRAILER:
			k = S_line(p, avail, &len);
			if (!k)
				return avail >= S_LINE_MAX ? S_bad(c, "trailer line too long") : 0;
			c->rpos += k;
			if (len == 0)
				return 1;
			break;
		case P_UNTIL_CLOSE:
			S_sample(w, c, p, avail);
			c->rpos = c->rlen;
			return 0;
		}
	}
}

/* ---- connections ---- */

static void S_error(S_worker *w, int kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void S_error(S_worker *w, int kind, const char *fmt, ...)
{
	w->st.err[kind]++;
	if (w->st.first_error[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->st.first_error, sizeof(w->st.first_error), fmt, ap);
	va_end(ap);
}

static uint64_t S_key(S_worker *w, S_conn *c)
{
	return (uint64_t)c->gen << 32 | (uint64_t)(c - w->conns);
}

static void S_ctl(S_worker *w, S_conn *c, int op, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.u64 = S_key(w, c)};
	if (epoll_ctl(w->epfd, op, c->fd, &ev) < 0 && !w->fatal[0])
		snprintf(w->fatal, sizeof(w->fatal), "epoll_ctl: %s", strerror(errno));
}

/* Whether new requests (and connections) may start. */
static bool S_more(S_worker *w, uint64_t now)
{
	if (w->stopping || atomic_load_explicit(&S_stop, memory_order_relaxed))
		return false;
	if (S_deadline && now >= S_deadline)
		return false;
	return !S_cfg.requests ||
	       atomic_load_explicit(&S_issued, memory_order_relaxed) < S_cfg.requests;
}

static void S_conn_close(S_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->gen++;
	c->want_out = false;
	c->rlen = c->rpos = 0;
}

/* The connection is done for good. */
static void S_conn_retire(S_worker *w, S_conn *c)
{
	S_conn_close(c);
	if (c->state != C_CLOSED)
		w->live--;
	c->state = C_CLOSED;
}

static void S_conn_open(S_worker *w, S_conn *c, uint64_t now);

static void S_conn_connect_failed(S_worker *w, S_conn *c, uint64_t now, int err)
{
	S_error(w, E_CONNECT, "connect to %s: %s", S_cfg.hostport, strerror(err));
	S_conn_close(c);
	if (!c->t_fail)
		c->t_fail = now;
	if (now - c->t_fail >= S_cfg.timeout_ns) {
		S_conn_retire(w, c); /* the server is gone: give up this connection */
		return;
	}
	c->state = C_WAIT;
	c->t_retry = now + S_BACKOFF_NS;
}

/* A request failed: count it, and start over on a new connection. */
static void S_conn_fail(S_worker *w, S_conn *c, uint64_t now, int kind, const char *what)
{
	S_error(w, kind, "%s %s: %s", S_cfg.method, S_cfg.path, what);
	S_conn_close(c);
	S_conn_open(w, c, now);
}

static void S_conn_write(S_worker *w, S_conn *c, uint64_t now)
{
	while (c->woff < c->wlen) {
		ssize_t k = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
		if (k > 0) {
			c->woff += (size_t)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!c->want_out) {
				S_ctl(w, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
				c->want_out = true;
			}
			return;
		}
		S_conn_fail(w, c, now, E_IO, strerror(errno));
		return;
	}
	if (c->want_out) {
		S_ctl(w, c, EPOLL_CTL_MOD, EPOLLIN);
		c->want_out = false;
	}
}

/* Start the next request on a connected socket, or retire the connection. */
static void S_conn_issue(S_worker *w, S_conn *c, uint64_t now)
{
	if (!S_more(w, now)) {
		S_conn_retire(w, c);
		return;
	}
	uint64_t n = atomic_fetch_add_explicit(&S_issued, 1, memory_order_relaxed);
	if (S_cfg.requests && n >= S_cfg.requests) {
		S_conn_retire(w, c);
		return;
	}
	size_t blen = 0, len = strlen(S_cfg.method);
	uint64_t i_first = S_cfg.items ? n * S_cfg.items : n;
	c->items = S_items_of(n);
	c->save = NULL;
	for (size_t k = 0; k < S_cfg.nsaves; k++) {
		if (S_cfg.saves[k].n == n) {
			c->save = &S_cfg.saves[k];
			c->save->len = 0;
			c->save->over = false;
		}
	}
	if (S_cfg.has_body)
		blen = S_template_render(&S_cfg.tbody, n, i_first, false, &w->rng, w->body);
	memcpy(c->wbuf, S_cfg.method, len);
	c->wbuf[len++] = ' ';
	len += S_template_render(&S_cfg.tpath, n, i_first, false, &w->rng, c->wbuf + len);
	memcpy(c->wbuf + len, S_cfg.head, S_cfg.head_len);
	len += S_cfg.head_len;
	if (S_cfg.has_body) {
		memcpy(c->wbuf + len, "Content-Length: ", 16);
		len += 16;
		len += S_put_u64(c->wbuf + len, blen);
		memcpy(c->wbuf + len, "\r\n\r\n", 4);
		len += 4;
		memcpy(c->wbuf + len, w->body, blen);
		len += blen;
	} else {
		memcpy(c->wbuf + len, "\r\n", 2);
		len += 2;
	}
	c->wlen = len;
	c->woff = 0;
	c->state = C_BUSY;
	c->pstate = P_HEAD;
	c->status = 0;
	c->got = c->sampling = c->counting = false;
	c->t_start = now;
	S_conn_write(w, c, now);
}

static void S_conn_open(S_worker *w, S_conn *c, uint64_t now)
{
	if (!S_more(w, now)) {
		S_conn_retire(w, c);
		return;
	}
	int fd = socket(S_cfg.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		S_conn_connect_failed(w, c, now, errno);
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->t_start = now;
	w->st.opened++;
	S_ctl(w, c, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT);
	c->want_out = true;
	if (connect(fd, (struct sockaddr *)&S_cfg.addr, S_cfg.addrlen) == 0) {
		c->t_fail = 0;
		S_conn_issue(w, c, now);
	} else if (errno == EINPROGRESS) {
		c->state = C_CONNECTING;
	} else {
		S_conn_connect_failed(w, c, now, errno);
	}
}

/* Write a complete response body kept for --save-body to its file. */
static void S_save_write(S_worker *w, S_save *s)
{
	if (s->over) {
		if (!w->fatal[0])
			snprintf(w->fatal, sizeof(w->fatal),
				 "--save-body: the response to request %" PRIu64
				 " is over %u bytes or out of memory",
				 s->n, S_SAVE_MAX);
		return;
	}
	FILE *f = fopen(s->file, "w");
	bool ok = f && fwrite(s->buf ? s->buf : "", 1, s->len, f) == s->len;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok) {
		if (!w->fatal[0])
			snprintf(w->fatal, sizeof(w->fatal), "--save-body: cannot write %s: %s",
				 s->file, strerror(errno));
		return;
	}
	s->saved = true;
}

/* A response is complete: count it and go on. */
static void S_conn_done(S_worker *w, S_conn *c, uint64_t now)
{
	S_hist_add(&w->st.hist, (now - c->t_start + 500) / 1000);
	w->st.responses++;
	w->st.status[c->status / 100]++;
	if (!S_status_ok(c->status)) {
		w->st.err[E_STATUS]++;
	} else {
		w->st.items += c->items;
		for (size_t j = 0; c->counting && j < S_cfg.ncounts; j++)
			w->st.counted[j] += c->counted[j];
	}
	c->counting = false;
	if (c->save)
		S_save_write(w, c->save);
	c->save = NULL;
	bool reuse = c->keepalive && c->woff == c->wlen;
	if (c->rpos < c->rlen) {
		S_error(w, E_PROTO, "%s %s: %zu bytes after a complete response", S_cfg.method,
			S_cfg.path, c->rlen - c->rpos);
		reuse = false;
	}
	c->rlen = c->rpos = 0;
	if (reuse) {
		S_conn_issue(w, c, now);
	} else {
		S_conn_close(c);
		S_conn_open(w, c, now);
	}
}

static void S_conn_eof(S_worker *w, S_conn *c, uint64_t now)
{
	if (c->pstate == P_UNTIL_CLOSE) {
		c->keepalive = false;
		S_conn_done(w, c, now);
	} else {
		S_conn_fail(w, c, now, E_CLOSED,
			    c->got ? "connection closed in the middle of a response" :
				     "connection closed before a response");
	}
}

static void S_conn_read(S_worker *w, S_conn *c, uint64_t now)
{
	for (;;) {
		size_t room = S_RBUF - c->rlen;
		ssize_t k = recv(c->fd, c->rbuf + c->rlen, room, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				S_conn_fail(w, c, now, E_IO, strerror(errno));
			return;
		}
		if (k == 0) {
			S_conn_eof(w, c, now);
			return;
		}
		c->got = true;
		c->rlen += (size_t)k;
		int r = S_parse(w, c);
		if (r < 0) {
			S_conn_fail(w, c, now, E_PROTO, c->why);
			return;
		}
		if (r > 0) {
			S_conn_done(w, c, now);
			return;
		}
		if (c->rpos > 0) {
			memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
			c->rlen -= c->rpos;
			c->rpos = 0;
		}
		if ((size_t)k < room)
			return; /* the socket is most likely empty: wait for epoll */
	}
}

static void S_conn_event(S_worker *w, uint64_t key, uint32_t events, uint64_t now)
{
	S_conn *c = &w->conns[key & 0xffffffffU];
	if (c->gen != (uint32_t)(key >> 32) || c->fd < 0)
		return; /* for a socket closed earlier in this batch */
	if (c->state == C_CONNECTING) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			S_conn_connect_failed(w, c, now, err);
		} else {
			c->t_fail = 0;
			S_conn_issue(w, c, now);
		}
		return;
	}
	if (c->state != C_BUSY)
		return;
	uint32_t gen = c->gen;
	if ((events & EPOLLOUT) && c->woff < c->wlen)
		S_conn_write(w, c, now);
	if (c->gen == gen && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		S_conn_read(w, c, now);
}

/* Reconnect after backoff; fail requests and connects over the timeout. */
static void S_worker_scan(S_worker *w, uint64_t now)
{
	for (size_t i = 0; i < w->nconns; i++) {
		S_conn *c = &w->conns[i];
		if (c->state == C_WAIT && now >= c->t_retry) {
			S_conn_open(w, c, now);
		} else if (c->state == C_CONNECTING && now - c->t_start >= S_cfg.timeout_ns) {
			S_conn_connect_failed(w, c, now, ETIMEDOUT);
		} else if (c->state == C_BUSY && now - c->t_start >= S_cfg.timeout_ns) {
			S_error(w, E_TIMEOUT, "%s %s: no complete response in %.1f s", S_cfg.method,
				S_cfg.path, (double)S_cfg.timeout_ns / 1e9);
			S_conn_close(c);
			S_conn_open(w, c, now);
		}
	}
}

/* No new requests: close what has none in flight, let the rest finish. */
static void S_worker_stop(S_worker *w)
{
	w->stopping = true;
	for (size_t i = 0; i < w->nconns; i++)
		if (w->conns[i].state == C_WAIT || w->conns[i].state == C_CONNECTING)
			S_conn_retire(w, &w->conns[i]);
}

static void *S_worker_run(void *arg)
{
	S_worker *w = arg;
	struct epoll_event ev[S_EVENTS];
	uint64_t now = S_now(), next_scan = now + S_SCAN_NS;
	for (size_t i = 0; i < w->nconns; i++) {
		w->conns[i].state = C_WAIT;
		w->live++;
	}
	for (size_t i = 0; i < w->nconns && !w->fatal[0]; i++)
		S_conn_open(w, &w->conns[i], now);
	while (w->live > 0 && !w->fatal[0]) {
		now = S_now();
		if (!w->stopping && !S_more(w, now))
			S_worker_stop(w);
		if (now >= next_scan) {
			S_worker_scan(w, now);
			next_scan = now + S_SCAN_NS;
		}
		if (w->live == 0)
			break;
		uint64_t wait_ns = next_scan - now;
		if (!w->stopping && S_deadline && S_deadline - now < wait_ns)
			wait_ns = S_deadline - now;
		int n = epoll_wait(w->epfd, ev, S_EVENTS, (int)((wait_ns + 999999) / 1000000));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(w->fatal, sizeof(w->fatal), "epoll_wait: %s", strerror(errno));
			break;
		}
		now = S_now();
		for (int i = 0; i < n; i++)
			S_conn_event(w, ev[i].data.u64, ev[i].events, now);
	}
	for (size_t i = 0; i < w->nconns; i++)
		S_conn_close(&w->conns[i]);
	return NULL;
}

/* ---- the command line ---- */

static uint64_t S_arg_u64(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < min || v > max)
		S_die_usage("--%s wants an integer from %" PRIu64 " to %" PRIu64 ", not '%s'", opt,
			    min, max, s);
	return v;
}

static double S_arg_seconds(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !(v > 0) || v > 1e6)
		S_die_usage("--%s wants a number of seconds above 0, not '%s'", opt, s);
	return v;
}

/* Accept http://HOST[:PORT][/PATH] with HOST a numeric loopback address. */
static void S_parse_url(const char *url)
{
	if (strncmp(url, "https://", 8) == 0)
		S_die_usage("https is not supported: use http:// on a loopback address");
	if (strncmp(url, "http://", 7) != 0)
		S_die_usage("--url must start with http://, not '%s'", url);
	const char *h = url + 7, *end;
	char host[64];
	if (*h == '[') {
		end = strchr(h, ']');
		if (!end)
			S_die_usage("bad address in --url '%s'", url);
		h++;
	} else {
		end = h + strcspn(h, ":/?#");
	}
	size_t hlen = (size_t)(end - h);
	if (hlen == 0 || hlen >= sizeof(host))
		S_die_usage("bad address in --url '%s'", url);
	memcpy(host, h, hlen);
	host[hlen] = 0;
	const char *rest = *end == ']' ? end + 1 : end;
	unsigned long port = 80;
	if (*rest == ':') {
		char *pend;
		errno = 0;
		port = strtoul(rest + 1, &pend, 10);
		if (pend == rest + 1 || errno || port == 0 || port > 65535)
			S_die_usage("bad port in --url '%s'", url);
		rest = pend;
	}
	if (*rest && *rest != '/')
		S_die_usage("bad --url '%s': a path must start with /", url);
	snprintf(S_cfg.path, sizeof(S_cfg.path), "%s", *rest ? rest : "/");
	struct sockaddr_in *a4 = (struct sockaddr_in *)&S_cfg.addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&S_cfg.addr;
	memset(&S_cfg.addr, 0, sizeof(S_cfg.addr));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		if ((ntohl(a4->sin_addr.s_addr) >> 24) != 127)
			S_die_usage("refusing %s: load tests send traffic only to this machine's "
				    "loopback addresses (127.0.0.1, [::1])",
				    host);
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		S_cfg.addrlen = sizeof(*a4);
		snprintf(S_cfg.hostport, sizeof(S_cfg.hostport), "%s:%lu", host, port);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr))
			S_die_usage("refusing %s: load tests send traffic only to this machine's "
				    "loopback addresses (127.0.0.1, [::1])",
				    host);
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		S_cfg.addrlen = sizeof(*a6);
		snprintf(S_cfg.hostport, sizeof(S_cfg.hostport), "[%s]:%lu", host, port);
	} else {
		S_die_usage("refusing '%s': give a numeric loopback address (127.0.0.1 or [::1]); "
			    "load tests send traffic only to this machine",
			    host);
	}
}

/* Check the path's text: visible ASCII, starting with '/'. */
static void S_check_path(const char *path)
{
	if (path[0] != '/')
		S_die_usage("the path must start with /, not '%s'", path);
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			S_die_usage("the path may hold only visible ASCII characters: '%s'", path);
}

static void S_check_header(const char *h)
{
	const char *colon = strchr(h, ':');
	if (!colon || colon == h)
		S_die_usage("--header wants 'Name: value', not '%s'", h);
	for (const char *p = h; p < colon; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			S_die_usage("bad header name in '%s'", h);
	for (const char *p = colon; *p; p++)
		if (*p == '\r' || *p == '\n')
			S_die_usage("a header may not hold a line break: '%s'", h);
	size_t n = (size_t)(colon - h);
	if ((n == 14 && strncasecmp(h, "content-length", n) == 0) ||
	    (n == 17 && strncasecmp(h, "transfer-encoding", n) == 0))
		S_die_usage("'%.*s' is set by gt-httpload itself", (int)n, h);
}

/* A name for --pick or --count: 1 to 32 letters, digits and _. */
static bool S_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 32)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* Read the lines of a --pick file: a line ends with \n (or \r\n), the last
 * one may end without; a line may be empty, but the file must hold one. */
static void S_pick_load(S_pick *f)
{
	FILE *in = fopen(f->file, "rb");
	if (!in)
		S_die("--pick %s: cannot open %s: %s", f->name, f->file, strerror(errno));
	size_t cap = 1 << 16, len = 0;
	f->text = malloc(cap);
	for (;;) {
		if (!f->text)
			S_die("out of memory");
		len += fread(f->text + len, 1, cap - len, in);
		if (len < cap)
			break;
		if (cap >= S_RENDER_MAX)
			S_die("--pick %s: %s is over %llu bytes", f->name, f->file,
			      (unsigned long long)S_RENDER_MAX);
		cap *= 2;
		f->text = realloc(f->text, cap);
	}
	if (ferror(in))
		S_die("--pick %s: cannot read %s: %s", f->name, f->file, strerror(errno));
	fclose(in);
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += f->text[i] == '\n';
	n += len && f->text[len - 1] != '\n';
	if (n == 0)
		S_die("--pick %s: %s holds no line", f->name, f->file);
	f->start = malloc(n * sizeof(*f->start));
	f->len = malloc(n * sizeof(*f->len));
	if (!f->start || !f->len)
		S_die("out of memory");
	for (size_t i = 0, k = 0; i < len; k++) {
		const char *nl = memchr(f->text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - f->text) : len, l = end - i;
		if (l && f->text[end - 1] == '\r')
			l--;
		f->start[k] = i;
		f->len[k] = l;
		if (l > f->max_len)
			f->max_len = l;
		i = end + 1;
	}
	f->nlines = n;
}

static void S_parse_args(int argc, char **argv)
{
	enum {
		O_URL = 256,
		O_CONN,
		O_THREADS,
		O_DURATION,
		O_REQUESTS,
		O_METHOD,
		O_HEADER,
		O_BODY,
		O_PATH,
		O_TIMEOUT,
		O_SEED,
		O_ALLOW,
		O_EXPECT,
		O_ITEMS,
		O_ITEM,
		O_ITEMS_TOTAL,
		O_SAVE,
		O_PICK,
		O_COUNT
	};
	static const struct option opts[] = {
		{"url", required_argument, NULL, O_URL},
		{"connections", required_argument, NULL, O_CONN},
		{"threads", required_argument, NULL, O_THREADS},
		{"duration", required_argument, NULL, O_DURATION},
		{"requests", required_argument, NULL, O_REQUESTS},
		{"method", required_argument, NULL, O_METHOD},
		{"header", required_argument, NULL, O_HEADER},
		{"body-template", required_argument, NULL, O_BODY},
		{"path-template", required_argument, NULL, O_PATH},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"seed", required_argument, NULL, O_SEED},
		{"allow-errors", no_argument, NULL, O_ALLOW},
		{"expect-status", required_argument, NULL, O_EXPECT},
		{"items", required_argument, NULL, O_ITEMS},
		{"item-template", required_argument, NULL, O_ITEM},
		{"items-total", required_argument, NULL, O_ITEMS_TOTAL},
		{"save-body", required_argument, NULL, O_SAVE},
		{"pick", required_argument, NULL, O_PICK},
		{"count", required_argument, NULL, O_COUNT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *url = NULL, *body = NULL, *path = NULL, *item = NULL, *headers[S_HEADERS_MAX];
	size_t nheaders = 0;
	bool seeded = false;
	S_cfg.connections = 64;
	S_cfg.threads = 1;
	S_cfg.method = "GET";
	S_cfg.timeout_ns = 10000000000ULL;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		const char *name = optind > 1 ? argv[optind - 1] : "";
		switch (o) {
		case O_URL:
			url = optarg;
			break;
		case O_CONN:
			S_cfg.connections =
				(unsigned)S_arg_u64("connections", optarg, 1, S_CONNS_MAX);
			break;
		case O_THREADS:
			S_cfg.threads = (unsigned)S_arg_u64("threads", optarg, 1, S_THREADS_MAX);
			break;
		case O_DURATION:
			S_cfg.duration = S_arg_seconds("duration", optarg);
			break;
		case O_REQUESTS:
			S_cfg.requests = S_arg_u64("requests", optarg, 1, UINT64_MAX / 2);
			break;
		case O_METHOD:
			if (strcmp(optarg, "GET") != 0 && strcmp(optarg, "POST") != 0)
				S_die_usage("--method is GET or POST, not '%s'", optarg);
			S_cfg.method = optarg;
			break;
		case O_HEADER:
			S_check_header(optarg);
			if (nheaders == S_HEADERS_MAX)
				S_die_usage("at most %d --header options", S_HEADERS_MAX);
			headers[nheaders++] = optarg;
			break;
		case O_BODY:
			body = optarg;
			break;
		case O_PATH:
			path = optarg;
			break;
		case O_TIMEOUT:
			S_cfg.timeout_ns = (uint64_t)(S_arg_seconds("timeout", optarg) * 1e9);
			break;
		case O_SEED:
			S_cfg.seed = S_arg_u64("seed", optarg, 0, UINT64_MAX);
			seeded = true;
			break;
		case O_ALLOW:
			S_cfg.allow_errors = true;
			break;
		case O_EXPECT:
			S_cfg.expect = (int)S_arg_u64("expect-status", optarg, 100, 599);
			break;
		case O_ITEMS:
			S_cfg.items = S_arg_u64("items", optarg, 1, S_ITEMS_MAX);
			break;
		case O_ITEM:
			item = optarg;
			break;
		case O_ITEMS_TOTAL:
			S_cfg.items_total = S_arg_u64("items-total", optarg, 1, UINT64_MAX / 2);
			break;
		case O_SAVE: {
			char *colon = strchr(optarg, ':');
			if (!colon || colon == optarg || !colon[1])
				S_die_usage("--save-body wants N:FILE, not '%s'", optarg);
			if (S_cfg.nsaves == S_SAVES_MAX)
				S_die_usage("at most %d --save-body options", S_SAVES_MAX);
			*colon = 0;
			S_cfg.saves[S_cfg.nsaves++] = (S_save){
				.n = S_arg_u64("save-body", optarg, 0, UINT64_MAX / 2),
				.file = colon + 1,
			};
			*colon = ':';
			break;
		}
		case O_PICK: {
			const char *eq = strchr(optarg, '=');
			if (S_cfg.npicks == S_PICKS_MAX)
				S_die_usage("at most %d --pick options", S_PICKS_MAX);
			size_t nlen = eq ? (size_t)(eq - optarg) : 0;
			if (!S_name_ok(optarg, nlen) || !eq[1])
				S_die_usage("--pick wants NAME=FILE with NAME of letters, digits "
					    "and _, not '%s'",
					    optarg);
			for (size_t k = 0; k < S_cfg.npicks; k++)
				if (strlen(S_cfg.picks[k].name) == nlen &&
				    strncmp(S_cfg.picks[k].name, optarg, nlen) == 0)
					S_die_usage("--pick %.*s is given twice", (int)nlen,
						    optarg);
			S_pick *f = &S_cfg.picks[S_cfg.npicks++];
			f->name = strndup(optarg, nlen);
			f->file = eq + 1;
			if (!f->name)
				S_die("out of memory");
			S_pick_load(f);
			break;
		}
		case O_COUNT: {
			const char *eq = strchr(optarg, '=');
			if (S_cfg.ncounts == S_COUNTS_MAX)
				S_die_usage("at most %d --count options", S_COUNTS_MAX);
			size_t nlen = eq ? (size_t)(eq - optarg) : 0;
			if (!S_name_ok(optarg, nlen) || !eq[1] || strlen(eq + 1) > S_COUNT_LEN_MAX)
				S_die_usage(
					"--count wants NAME=STRING with NAME of letters, digits "
					"and _ and STRING of 1 to %d bytes, not '%s'",
					S_COUNT_LEN_MAX, optarg);
			static const char *const taken[] = {
				"requests", "errors", "seconds", "rate",  "p50_ms",
				"p90_ms",   "p99_ms", "max_ms",	 "items", "item_rate",
			};
			for (size_t k = 0; k < sizeof(taken) / sizeof(*taken); k++)
				if (strlen(taken[k]) == nlen &&
				    strncmp(taken[k], optarg, nlen) == 0)
					S_die_usage("--count %s: the last line already has %s=",
						    taken[k], taken[k]);
			for (size_t k = 0; k < S_cfg.ncounts; k++)
				if (strlen(S_cfg.counts[k].name) == nlen &&
				    strncmp(S_cfg.counts[k].name, optarg, nlen) == 0)
					S_die_usage("--count %.*s is given twice", (int)nlen,
						    optarg);
			S_count *cn = &S_cfg.counts[S_cfg.ncounts++];
			cn->name = strndup(optarg, nlen);
			cn->str = eq + 1;
			cn->len = strlen(eq + 1);
			if (!cn->name)
				S_die("out of memory");
			break;
		}
		case 'h':
			fputs(S_usage, stdout);
			exit(0);
		case ':':
			S_die_usage("%s needs a value", name);
		default:
			S_die_usage("unknown option %s", name);
		}
	}
	if (optind < argc)
		S_die_usage("unexpected argument '%s'", argv[optind]);
	if (!url)
		S_die_usage("--url is required");
	S_parse_url(url);
	if (path) {
		if (strcmp(S_cfg.path, "/") != 0)
			S_die_usage("give the path in --url or in --path-template, not both");
		snprintf(S_cfg.path, sizeof(S_cfg.path), "%s", path);
		if (strlen(path) >= sizeof(S_cfg.path))
			S_die_usage("--path-template is longer than %zu bytes",
				    sizeof(S_cfg.path) - 1);
	}
	S_check_path(S_cfg.path);
	if (S_cfg.items_total) {
		if (!S_cfg.items)
			S_die_usage("--items-total needs --items");
		if (S_cfg.duration > 0 || S_cfg.requests)
			S_die_usage("--items-total sets the number of requests: give no --duration "
				    "or --requests");
		S_cfg.requests = (S_cfg.items_total + S_cfg.items - 1) / S_cfg.items;
	}
	if (S_cfg.items && !item)
		S_die_usage("--items needs --item-template");
	if (item && !S_cfg.items)
		S_die_usage("--item-template needs --items");
	if (S_cfg.items && (!body || !strstr(body, "{items}")))
		S_die_usage("with --items, --body-template must hold {items}");
	if (!S_cfg.items && body && strstr(body, "{items}"))
		S_die_usage("{items} in --body-template needs --items and --item-template");
	if (S_cfg.duration > 0 && S_cfg.requests)
		S_die_usage("give --duration or --requests, not both");
	if (!S_cfg.requests && S_cfg.duration <= 0)
		S_cfg.duration = 10;
	if (S_cfg.threads > S_cfg.connections)
		S_die_usage("--threads %u is more than --connections %u", S_cfg.threads,
			    S_cfg.connections);
	if (!seeded && getrandom(&S_cfg.seed, sizeof(S_cfg.seed), 0) != sizeof(S_cfg.seed))
		S_cfg.seed = S_now() ^ ((uint64_t)getpid() << 32);
	S_template_parse("--path-template", S_cfg.path, &S_cfg.tpath, 0);
	S_cfg.has_body = body || strcmp(S_cfg.method, "POST") == 0;
	size_t items_len = 0;
	if (S_cfg.items) {
		S_template_parse("--item-template", item, &S_cfg.titem, 0);
		if ((S_cfg.titem.max_len + 1) > S_RENDER_MAX / S_cfg.items)
			S_die_usage("%" PRIu64 " items would be over %llu bytes", S_cfg.items,
				    (unsigned long long)S_RENDER_MAX);
		items_len = (size_t)S_cfg.items * (S_cfg.titem.max_len + 1);
	}
	S_template_parse("--body-template", body ? body : "", &S_cfg.tbody, items_len);

	/* the part of the head after the path: fixed for the whole run */
	bool host = false;
	size_t len = 64 + strlen(S_cfg.hostport);
	for (size_t i = 0; i < nheaders; i++) {
		len += strlen(headers[i]) + 2;
		host |= strncasecmp(headers[i], "host:", 5) == 0;
	}
	S_cfg.head = malloc(len);
	if (!S_cfg.head)
		S_die("out of memory");
	size_t n = (size_t)snprintf(S_cfg.head, len, " HTTP/1.1\r\n");
	if (!host)
		n += (size_t)snprintf(S_cfg.head + n, len - n, "Host: %s\r\n", S_cfg.hostport);
	for (size_t i = 0; i < nheaders; i++)
		n += (size_t)snprintf(S_cfg.head + n, len - n, "%s\r\n", headers[i]);
	S_cfg.head_len = n;
}

/* ---- main ---- */

static void S_on_signal(int sig)
{
	(void)sig;
	atomic_store(&S_stop, 1);
}

/* One plain connect, so that a server that is not there is a clear error. */
static void S_probe(void)
{
	int fd = socket(S_cfg.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		S_die("socket: %s", strerror(errno));
	int err = 0;
	if (connect(fd, (struct sockaddr *)&S_cfg.addr, S_cfg.addrlen) < 0) {
		err = errno;
		if (err == EINPROGRESS) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			socklen_t len = sizeof(err);
			int r = poll(&p, 1, (int)(S_cfg.timeout_ns / 1000000));
			if (r == 0)
				err = ETIMEDOUT;
			else if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				err = errno;
		}
	}
	close(fd);
	if (err)
		S_die("cannot connect to %s: %s", S_cfg.hostport, strerror(err));
}

/* Room for the connections' sockets. */
static void S_raise_nofile(void)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)S_cfg.connections + 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need)
		S_die("%u connections need %llu open files, the limit is %llu (ulimit -n)",
		      S_cfg.connections, (unsigned long long)need, (unsigned long long)rl.rlim_cur);
}

static void S_print(const S_stats *st, double seconds, uint64_t errors)
{
	const S_hist *h = &st->hist;
	double rate = seconds > 0 ? (double)st->responses / seconds : 0;
	printf("gt-httpload: %s http://%s%s, %u connections, %u thread%s, ", S_cfg.method,
	       S_cfg.hostport, S_cfg.path, S_cfg.connections, S_cfg.threads,
	       S_cfg.threads == 1 ? "" : "s");
	if (S_cfg.requests)
		printf("%" PRIu64 " requests", S_cfg.requests);
	else
		printf("%g s", S_cfg.duration);
	printf(", seed %" PRIu64 "\n", S_cfg.seed);
	printf("  responses   %" PRIu64 " in %.3f s: %.1f/s\n", st->responses, seconds, rate);
	if (S_cfg.items)
		printf("  items       %" PRIu64 " in the responses that succeeded: %.1f/s\n",
		       st->items, seconds > 0 ? (double)st->items / seconds : 0.0);
	for (size_t j = 0; j < S_cfg.ncounts; j++)
		printf("  %-11s %" PRIu64 " times '%s' in the responses that succeeded\n",
		       S_cfg.counts[j].name, st->counted[j], S_cfg.counts[j].str);
	printf("  statuses    1xx %" PRIu64 ", 2xx %" PRIu64 ", 3xx %" PRIu64 ", 4xx %" PRIu64
	       ", 5xx %" PRIu64 "\n",
	       st->status[1], st->status[2], st->status[3], st->status[4], st->status[5]);
	printf("  errors      %" PRIu64, errors);
	const char *sep = " (";
	for (int k = 0; k < E_KINDS; k++) {
		if (st->err[k]) {
			printf("%s%s %" PRIu64, sep,
			       k == E_STATUS && !S_cfg.expect ? "non-2xx" :
			       k == E_STATUS		      ? "unexpected status" :
								S_error_names[k],
			       st->err[k]);
			sep = ", ";
		}
	}
	printf("%s\n", errors ? ")" : "");
	if (st->sample_status) {
		printf("  first %s: %d, body: ", S_cfg.expect ? "unexpected status" : "non-2xx",
		       st->sample_status);
		for (size_t i = 0; i < st->sample_len; i++) {
			unsigned char ch = (unsigned char)st->sample[i];
			putchar(ch >= 0x20 && ch < 0x7f ? ch : '.');
		}
		printf("%s\n", st->sample_len == S_SAMPLE_MAX ? "..." : "");
	}
	if (st->first_error[0])
		printf("  first failure: %s\n", st->first_error);
	printf("  latency ms  min %.3f, mean %.3f, p50 %.3f, p90 %.3f, p99 %.3f, p99.9 %.3f, "
	       "max %.3f\n",
	       (double)h->min / 1e3, h->n ? (double)h->sum / (double)h->n / 1e3 : 0.0,
	       (double)S_hist_quantile(h, 0.50) / 1e3, (double)S_hist_quantile(h, 0.90) / 1e3,
	       (double)S_hist_quantile(h, 0.99) / 1e3, (double)S_hist_quantile(h, 0.999) / 1e3,
	       (double)h->max / 1e3);
	printf("  connections %" PRIu64 " opened\n", st->opened);
	printf("requests=%" PRIu64 " errors=%" PRIu64
	       " seconds=%.3f rate=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f",
	       st->responses, errors, seconds, rate, (double)S_hist_quantile(h, 0.50) / 1e3,
	       (double)S_hist_quantile(h, 0.90) / 1e3, (double)S_hist_quantile(h, 0.99) / 1e3,
	       (double)h->max / 1e3);
	if (S_cfg.items)
		printf(" items=%" PRIu64 " item_rate=%.1f", st->items,
		       seconds > 0 ? (double)st->items / seconds : 0.0);
	for (size_t j = 0; j < S_cfg.ncounts; j++)
		printf(" %s=%" PRIu64, S_cfg.counts[j].name, st->counted[j]);
	putchar('\n');
	fflush(stdout);
}

int main(int argc, char **argv)
{
	S_parse_args(argc, argv);
	S_raise_nofile();
	S_probe();

	struct sigaction sa = {.sa_handler = S_on_signal, .sa_flags = SA_RESETHAND};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned nt = S_cfg.threads;
	S_worker *ws = calloc(nt, sizeof(*ws));
	S_conn *conns = calloc(S_cfg.connections, sizeof(*conns));
	if (!ws || !conns)
		S_die("out of memory");
	size_t wcap = strlen(S_cfg.method) + S_cfg.tpath.max_len + S_cfg.head_len + 64 +
		      S_cfg.tbody.max_len;
	for (unsigned i = 0; i < S_cfg.connections; i++) {
		conns[i].fd = -1;
		conns[i].wbuf = malloc(wcap);
		if (!conns[i].wbuf)
			S_die("out of memory");
		if (S_cfg.ncounts) {
			conns[i].counted = calloc(S_cfg.ncounts, sizeof(*conns[i].counted));
			conns[i].carried = calloc(S_cfg.ncounts, sizeof(*conns[i].carried));
			conns[i].carry = malloc(S_cfg.ncounts * S_COUNT_LEN_MAX);
			if (!conns[i].counted || !conns[i].carried || !conns[i].carry)
				S_die("out of memory");
		}
	}
	size_t first = 0;
	for (unsigned i = 0; i < nt; i++) {
		S_worker *w = &ws[i];
		w->nconns = S_cfg.connections / nt + (i < S_cfg.connections % nt);
		w->conns = conns + first;
		first += w->nconns;
		w->rng = S_mix(S_cfg.seed + i + 1);
		w->body = malloc(S_cfg.tbody.max_len + 1);
		w->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (!w->body || w->epfd < 0)
			S_die("cannot set up thread %u: %s", i, strerror(errno));
	}

	uint64_t t0 = S_now();
	if (S_cfg.duration > 0)
		S_deadline = t0 + (uint64_t)(S_cfg.duration * 1e9);
	for (unsigned i = 0; i < nt; i++) {
		int err = pthread_create(&ws[i].thread, NULL, S_worker_run, &ws[i]);
		if (err)
			S_die("cannot start a thread: %s", strerror(err));
	}
	S_stats *total = calloc(1, sizeof(*total));
	if (!total)
		S_die("out of memory");
	const char *fatal = NULL;
	for (unsigned i = 0; i < nt; i++) {
		pthread_join(ws[i].thread, NULL);
		S_stats *st = &ws[i].st;
		total->responses += st->responses;
		total->items += st->items;
		for (size_t j = 0; j < S_cfg.ncounts; j++)
			total->counted[j] += st->counted[j];
		total->opened += st->opened;
		for (int k = 0; k < 6; k++)
			total->status[k] += st->status[k];
		for (int k = 0; k < E_KINDS; k++)
			total->err[k] += st->err[k];
		if (!total->first_error[0])
			memcpy(total->first_error, st->first_error, sizeof(st->first_error));
		if (!total->sample_status && st->sample_status) {
			total->sample_status = st->sample_status;
			total->sample_len = st->sample_len;
			memcpy(total->sample, st->sample, st->sample_len);
		}
		S_hist_merge(&total->hist, &st->hist);
		if (ws[i].fatal[0] && !fatal)
			fatal = ws[i].fatal;
	}
	double seconds = (double)(S_now() - t0) / 1e9;
	uint64_t errors = 0;
	for (int k = 0; k < E_KINDS; k++)
		errors += total->err[k];
	S_print(total, seconds, errors);

	int rc = 0;
	if (fatal) {
		fprintf(stderr, "gt-httpload: %s\n", fatal);
		rc = 1;
	} else if (atomic_load(&S_stop)) {
		fprintf(stderr, "gt-httpload: interrupted\n");
		rc = 1;
	} else if (errors && !S_cfg.allow_errors) {
		fprintf(stderr,
			"gt-httpload: %" PRIu64 " errors (--allow-errors to exit 0 anyway)\n",
			errors);
		rc = 1;
	}
	for (size_t k = 0; k < S_cfg.nsaves; k++) {
		if (!S_cfg.saves[k].saved) {
			fprintf(stderr,
				"gt-httpload: --save-body: no response to request %" PRIu64
				" was saved\n",
				S_cfg.saves[k].n);
			rc = 1;
		}
		free(S_cfg.saves[k].buf);
	}
	for (unsigned i = 0; i < nt; i++) {
		close(ws[i].epfd);
		free(ws[i].body);
	}
	for (unsigned i = 0; i < S_cfg.connections; i++) {
		free(conns[i].wbuf);
		free(conns[i].counted);
		free(conns[i].carried);
		free(conns[i].carry);
	}
	for (size_t k = 0; k < S_cfg.npicks; k++) {
		free((char *)S_cfg.picks[k].name);
		free(S_cfg.picks[k].text);
		free(S_cfg.picks[k].start);
		free(S_cfg.picks[k].len);
	}
	for (size_t k = 0; k < S_cfg.ncounts; k++)
		free((char *)S_cfg.counts[k].name);
	free(conns);
	free(ws);
	free(total);
	free(S_cfg.head);
	free(S_cfg.tpath.parts);
	free(S_cfg.tbody.parts);
	free(S_cfg.titem.parts);
	return rc;
}
