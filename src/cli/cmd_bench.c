/* goodtrace bench: measured append and proof speed on a fresh temporary log,
 * and the volunteer matching engine's speed on synthetic data. */
#include "cli/cli.h"
#include "log/log.h"
#include "volunteer/match.h"
#include "volunteer/taxonomy.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char S_usage_log[] =
	"Usage: goodtrace bench log [--entries N] [--size B] [--batch K] [--dir DIR]\n"
	"                            [--proofs P] [--keep]\n"
	"\n"
	"Append N entries of B bytes durably (every batch synced before it is\n"
	"acknowledged) to a fresh log in a temporary directory, then generate P\n"
	"inclusion proofs of random entries on every core. Prints the proof rate,\n"
	"the peak resident memory, and last the append rate as '<number> entries/s'.\n"
	"\n"
	"Options:\n"
	"  --entries N  entries to append (default 1000000)\n"
	"  --size B     bytes per entry, 1 to 65535 (default 256)\n"
	"  --batch K    entries per durable commit (default 1024)\n"
	"  --proofs P   inclusion proofs to generate (default 1000000)\n"
	"  --dir DIR    where to create the temporary log (default $TMPDIR or /tmp)\n"
	"  --keep       keep the log afterwards and print where it is\n"
	"  --help       show this help\n";

static const char S_usage_match[] =
	"Usage: goodtrace bench match [--volunteers N] [--opportunities M] [--queries Q]\n"
	"                              [--seed S]\n"
	"\n"
	"Load N synthetic volunteers and M opportunities (made from the seed, the\n"
	"same every time: volunteers around three dozen Chinese cities, 30% of the\n"
	"opportunities remote) into the matching engine, then run Q/2 queries for\n"
	"volunteers (their opportunities) and Q/2 for opportunities (their\n"
	"candidates), random keys, 20 results, a mix of filters, each timed. Prints\n"
	"the load rate, the peak resident memory and the engine's own estimate, and\n"
	"for each kind of query the rate, p50, p90, p99 and max latency and the\n"
	"results per query; then the rate of the same queries on 2 threads.\n"
	"\n"
	"Options:\n"
	"  --volunteers N     volunteers (default 1000000)\n"
	"  --opportunities M  opportunities (default 100000)\n"
	"  --queries Q        queries, half of each kind (default 20000)\n"
	"  --seed S           the synthetic data's seed (default 1)\n"
	"  --help             show this help\n";

static const char S_usage[] =
	"Usage: goodtrace bench log [options]    durable appends and inclusion proofs\n"
	"       goodtrace bench match [options]  the volunteer matching engine\n"
	"\n"
	"goodtrace bench log --help and goodtrace bench match --help list the options.\n";

static double S_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int S_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

typedef struct {
	gt_log *log;
	uint64_t size, count, seed;
	int failed;
} S_prover;

static void *S_prove(void *arg)
{
	S_prover *p = arg;
	gt_hash hashes[GT_PROOF_MAX];
	gt_proof proof = {hashes, 0};
	uint64_t x = p->seed;
	for (uint64_t i = 0; i < p->count; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (gt_log_inclusion_proof(p->log, x % p->size, p->size, &proof, NULL) < 0)
			p->failed = 1;
	}
	return NULL;
}

static int S_bench_log(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("entries"),
			 GT_OPT_VALUE("size"),
			 GT_OPT_VALUE("batch"),
			 GT_OPT_VALUE("proofs"),
			 GT_OPT_VALUE("dir"),
			 GT_OPT_FLAG("keep"),
			 GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage_log, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	uint64_t entries = 1000000, size = 256, batch = 1024, proofs = 1000000;
	gt_opt *o;
	if (((o = gt_args_get(opts, "entries"))->given &&
	     gt_args_u64(o, 1, 1ULL << 40, &entries) < 0) ||
	    ((o = gt_args_get(opts, "size"))->given &&
	     gt_args_u64(o, 1, GT_ENTRY_MAX, &size) < 0) ||
	    ((o = gt_args_get(opts, "batch"))->given && gt_args_u64(o, 1, 1 << 20, &batch) < 0) ||
	    ((o = gt_args_get(opts, "proofs"))->given &&
	     gt_args_u64(o, 0, 1ULL << 40, &proofs) < 0))
		return GT_EXIT_USAGE;
	const char *base = gt_args_get(opts, "dir")->value;
	if (!base)
		base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[4096], pub[4200], state[4200];
	snprintf(dir, sizeof(dir), "%s/goodtrace-bench-XXXXXX", base);
	if (!mkdtemp(dir)) {
		gt_cli_error("bench: cannot create a directory in %s: %s", base, strerror(errno));
		return GT_EXIT_FAIL;
	}
	snprintf(pub, sizeof(pub), "%s/log", dir);
	snprintf(state, sizeof(state), "%s/log.state", dir);
	gt_error err = {0};
	gt_signer *signer = NULL;
	gt_log *log = NULL;
	uint8_t *data = NULL;
	gt_bytes *batchv = NULL;
	int rc = GT_EXIT_FAIL;
	gt_log_options lo = {.public_dir = pub, .state_dir = state};
	if (gt_signer_generate("bench.goodtrace.local/log", &signer, &err) < 0)
		goto fail;
	lo.signer = signer;
	if (gt_log_create(&lo, &err) < 0 || gt_log_open(&lo, &log, &err) < 0)
		goto fail;
	data = malloc(batch * size);
	batchv = malloc(batch * sizeof(*batchv));
	if (!data || !batchv) {
		snprintf(err.msg, sizeof(err.msg), "out of memory");
		goto fail;
	}
	for (uint64_t i = 0; i < batch * size; i++)
		data[i] = (uint8_t)('a' + i % 26);
	bool progress = gt_cli_progress_enabled();
	double t0 = S_now(), last = t0;
	for (uint64_t done = 0; done < entries;) {
		uint64_t k = entries - done < batch ? entries - done : batch;
		for (uint64_t i = 0; i < k; i++) {
			uint8_t *e = data + i * size;
			uint64_t idx = done + i;
			/* distinct entries: the index in the first bytes */
			for (uint64_t j = 0; j < 8 && j < size; j++)
				e[j] = (uint8_t)(idx >> (8 * j));
			batchv[i].data = e;
			batchv[i].len = size;
		}
		if (gt_log_append(log, batchv, k, NULL, &err) < 0)
			goto fail;
		done += k;
		double now = S_now();
		if (progress && now - last > 0.5) {
			last = now;
			fprintf(stderr, "\rappending: %llu / %llu entries",
				(unsigned long long)done, (unsigned long long)entries);
		}
	}
	double append_s = S_now() - t0;
	if (progress)
		fputc('\n', stderr);
	printf("appended %llu entries of %llu bytes in batches of %llu, synced per batch: %.2f s\n",
	       (unsigned long long)entries, (unsigned long long)size, (unsigned long long)batch,
	       append_s);

	if (proofs > 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		int nthreads = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (int)ncpu;
		pthread_t th[16];
		S_prover pv[16];
		double p0 = S_now();
		for (int i = 0; i < nthreads; i++) {
			pv[i] = (S_prover){log, entries, proofs / (uint64_t)nthreads,
					   0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1), 0};
			pthread_create(&th[i], NULL, S_prove, &pv[i]);
		}
		int failed = 0;
		for (int i = 0; i < nthreads; i++) {
			pthread_join(th[i], NULL);
			failed |= pv[i].failed;
		}
		double ps = S_now() - p0;
		if (failed) {
			snprintf(err.msg, sizeof(err.msg), "proof generation failed");
			goto fail;
		}
		uint64_t made = proofs / (uint64_t)nthreads * (uint64_t)nthreads;
		printf("inclusion proofs: %.0f proofs/s (%llu random entries of a tree of %llu, %d threads)\n",
		       (double)made / ps, (unsigned long long)made, (unsigned long long)entries,
		       nthreads);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	/* RSS counts the pages of the files it maps (the proof index), which
	 * are the kernel's page cache: what the process itself holds is
	 * RssAnon. */
	long anon_kib = -1, file_kib = -1;
	FILE *st = fopen("/proc/self/status", "r");
	char line[256];
	while (st && fgets(line, sizeof(line), st)) {
		sscanf(line, "RssAnon: %ld", &anon_kib);
		sscanf(line, "RssFile: %ld", &file_kib);
	}
	if (st)
		fclose(st);
	printf("peak RSS: %.1f MiB", (double)ru.ru_maxrss / 1024.0);
	if (anon_kib >= 0 && file_kib >= 0)
		printf(" (at the end: %.1f MiB allocated, %.1f MiB of mapped files)",
		       (double)anon_kib / 1024.0, (double)file_kib / 1024.0);
	printf("\n");
	printf("%.0f entries/s\n", (double)entries / append_s);
	rc = GT_EXIT_OK;
fail:
	if (rc != GT_EXIT_OK)
		gt_cli_error("bench: %s", err.msg);
	gt_log_free(log);
	gt_signer_free(signer);
	free(data);
	free(batchv);
	if (gt_args_get(opts, "keep")->given)
		fprintf(stderr, "bench: kept the log in %s\n", dir);
	else
		nftw(dir, S_rm, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}

/* ---- bench match ------------------------------------------------------------------------ */

/* splitmix64: the synthetic data depends on the seed alone. */
static uint64_t S_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double S_unit(uint64_t *s)
{
	return (double)(S_rand(s) >> 11) / 9007199254740992.0;
}

static unsigned S_below(uint64_t *s, unsigned n)
{
	return (unsigned)(S_unit(s) * n);
}

/* Standard normal (Box-Muller). */
static double S_gauss(uint64_t *s)
{
	double u = S_unit(s), v = S_unit(s);
	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * 3.14159265358979323846 * v);
}

/* An index drawn from cumulative weights cum[n] (cum[n - 1] is the total). */
static unsigned S_pick(uint64_t *s, const double *cum, unsigned n)
{
	double x = S_unit(s) * cum[n - 1];
	unsigned i = 0;
	while (i + 1 < n && cum[i] <= x)
		i++;
	return i;
}

/* City centres and a rough weight for their size (millions of people). */
static const struct {
	const char *name;
	double lat, lon, weight;
} S_cities[] = {
	{"Shanghai", 31.2304, 121.4737, 24},  {"Beijing", 39.9042, 116.4074, 21},
	{"Chongqing", 29.5630, 106.5516, 16}, {"Guangzhou", 23.1291, 113.2644, 18},
	{"Shenzhen", 22.5431, 114.0579, 17},  {"Chengdu", 30.5728, 104.0668, 16},
	{"Tianjin", 39.3434, 117.3616, 13},   {"Wuhan", 30.5928, 114.3055, 12},
	{"Xi'an", 34.3416, 108.9398, 12},     {"Hangzhou", 30.2741, 120.1551, 12},
	{"Suzhou", 31.2989, 120.5853, 12},    {"Zhengzhou", 34.7466, 113.6254, 12},
	{"Nanjing", 32.0603, 118.7969, 9},    {"Changsha", 28.2282, 112.9388, 10},
	{"Dongguan", 23.0207, 113.7518, 10},  {"Shenyang", 41.8057, 123.4315, 9},
	{"Qingdao", 36.0671, 120.3826, 10},   {"Hefei", 31.8206, 117.2272, 9},
	{"Foshan", 23.0215, 113.1214, 9},     {"Jinan", 36.6512, 117.1201, 9},
	{"Harbin", 45.8038, 126.5349, 10},    {"Kunming", 24.8801, 102.8329, 8},
	{"Dalian", 38.9140, 121.6147, 7},     {"Xiamen", 24.4798, 118.0894, 5},
	{"Fuzhou", 26.0745, 119.2965, 8},     {"Nanning", 22.8170, 108.3665, 8},
	{"Ningbo", 29.8683, 121.5440, 9},     {"Shijiazhuang", 38.0428, 114.5149, 11},
	{"Changchun", 43.8171, 125.3235, 9},  {"Nanchang", 28.6820, 115.8579, 6},
	{"Guiyang", 26.6470, 106.6302, 6},    {"Taiyuan", 37.8706, 112.5489, 5},
	{"Lanzhou", 36.0611, 103.8343, 4},    {"Urumqi", 43.8256, 87.6168, 4},
	{"Hohhot", 40.8426, 111.7492, 3},     {"Haikou", 20.0440, 110.1999, 3},
	{"Lhasa", 29.6520, 91.1721, 1},	      {"Xining", 36.6171, 101.7782, 2},
};
#define S_NCITIES (sizeof(S_cities) / sizeof(S_cities[0]))

/* The skills people offer most often, in that order; the rest after them. */
static const char *const S_popular[] = {"teaching",	     "cooking",	     "driving",
					"first-aid",	     "elderly-care", "event-planning",
					"childcare",	     "writing",	     "translation",
					"photography-video", "logistics",    "music",
					"sports-coaching",   "software",     "design",
					"counselling",	     "art",	     "data",
					"medicine",	     "nursing",	     "fundraising",
					"marketing",	     "mentoring",    "accounting",
					"environment"};

typedef struct S_world {
	uint64_t seed;
	double city[S_NCITIES]; /* cumulative weights */
	double skill[64];
	unsigned nskills, ncauses;
	int zh, en, yue, csl;
	unsigned other_lang[8], nother;
} S_world;

static void S_world_init(S_world *w, uint64_t seed)
{
	*w = (S_world){.seed = seed};
	double total = 0;
	for (size_t i = 0; i < S_NCITIES; i++)
		w->city[i] = total += S_cities[i].weight;
	w->nskills = (unsigned)gt_vol_skill_count();
	w->ncauses = (unsigned)gt_vol_cause_count();
	/* Popularity falls off as 1/rank (Zipf): the first skill is offered
	 * by about a fifth of the volunteers, the last by under 1%. */
	int rank[64];
	for (unsigned i = 0; i < w->nskills; i++)
		rank[i] = -1;
	int next = 0;
	for (size_t i = 0; i < sizeof(S_popular) / sizeof(S_popular[0]); i++) {
		int s = gt_vol_skill_find(S_popular[i]);
		if (s >= 0 && rank[s] < 0)
			rank[s] = next++;
	}
	for (unsigned i = 0; i < w->nskills; i++)
		if (rank[i] < 0)
			rank[i] = next++;
	total = 0;
	for (unsigned i = 0; i < w->nskills; i++)
		w->skill[i] = total += 1.0 / (1.0 + rank[i]);
	w->zh = gt_vol_language_find("zh");
	w->en = gt_vol_language_find("en");
	w->yue = gt_vol_language_find("yue");
	w->csl = gt_vol_language_find("csl");
	static const char *const others[] = {"ja", "ko", "fr", "es", "de", "ru", "ar", "pt"};
	for (size_t i = 0; i < 8; i++)
		w->other_lang[w->nother++] = (unsigned)gt_vol_language_find(others[i]);
}

/* A place sigma_km around a city chosen by its size. */
static void S_place(const S_world *w, uint64_t *s, double sigma_km, int32_t *lat, int32_t *lon)
{
	unsigned c = S_pick(s, w->city, S_NCITIES);
	double la = S_cities[c].lat + S_gauss(s) * sigma_km / 111.2;
	double lo = S_cities[c].lon +
		    S_gauss(s) * sigma_km / (111.2 * cos(S_cities[c].lat * 3.14159265 / 180));
	*lat = (int32_t)lround(la * 1e6);
	*lon = (int32_t)lround(lo * 1e6);
}

/* Set len hours from local hour-of-week start (China, UTC+8) in UTC bits. */
static void S_block(uint64_t h[3], unsigned start, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		unsigned b = (start + i + GT_MATCH_HOURS - 8) % GT_MATCH_HOURS;
		h[b / 64] |= (uint64_t)1 << (b % 64);
	}
}

/* Distinct skills drawn by popularity, each with a level from cum_level. */
static uint8_t S_skills(const S_world *w, uint64_t *s, unsigned n, const double cum_level[4],
			gt_match_skill *out)
{
	uint64_t used = 0;
	uint8_t k = 0;
	for (unsigned tries = 0; k < n && tries < 50; tries++) {
		unsigned sk = S_pick(s, w->skill, w->nskills);
		if (used >> sk & 1)
			continue;
		used |= (uint64_t)1 << sk;
		out[k++] = (gt_match_skill){(uint8_t)sk, (uint8_t)(1 + S_pick(s, cum_level, 4))};
	}
	return k;
}

static void S_make_volunteer(const S_world *w, uint32_t key, gt_match_volunteer *v)
{
	uint64_t s = w->seed * 0x100000001b3ULL + key; /* each volunteer from its key */
	S_rand(&s);
	static const double levels[4] = {35, 70, 90, 100};
	*v = (gt_match_volunteer){.key = key};
	v->nskills = S_skills(w, &s, 2 + S_below(&s, 5), levels, v->skills);
	double where = S_unit(&s);
	if (where < 0.96) { /* at home in a city */
		v->located = true;
		S_place(w, &s, 12, &v->lat_e6, &v->lon_e6);
		static const uint16_t radii[] = {5, 10, 10, 15, 20, 20, 30, 50};
		v->radius_km = where < 0.93 ? radii[S_below(&s, 8)] : 0;
	}
	/* a few blocks a week: weekday evenings, weekend days, weekday
	 * mornings (the retired) */
	unsigned blocks = 1 + S_below(&s, 4);
	for (unsigned b = 0; b < blocks; b++) {
		double kind = S_unit(&s);
		unsigned day = kind < 0.5  ? S_below(&s, 5) :
			       kind < 0.85 ? 5 + S_below(&s, 2) :
					     S_below(&s, 5);
		unsigned start = kind < 0.5 ? 18 + S_below(&s, 3) : 8 + S_below(&s, 6);
		unsigned len = kind < 0.5 ? 2 + S_below(&s, 2) : 3 + S_below(&s, 4);
		S_block(v->avail, day * 24 + start, len);
	}
	if (S_unit(&s) < 0.97)
		v->languages |= 1u << w->zh;
	if (S_unit(&s) < 0.35)
		v->languages |= 1u << w->en;
	if (S_unit(&s) < 0.08)
		v->languages |= 1u << w->yue;
	if (S_unit(&s) < 0.01)
		v->languages |= 1u << w->csl;
	if (S_unit(&s) < 0.10)
		v->languages |= 1u << w->other_lang[S_below(&s, w->nother)];
	if (!v->languages)
		v->languages = 1u << w->en;
	unsigned causes = S_unit(&s) < 0.25 ? 0 : 1 + S_below(&s, 3);
	for (unsigned c = 0; c < causes; c++)
		v->causes |= 1u << S_below(&s, w->ncauses);
	v->birth_year = S_unit(&s) < 0.1 ? 0 : (uint16_t)(1955 + S_below(&s, 55));
	v->discoverable = S_unit(&s) < 0.85;
}

static void S_make_opportunity(const S_world *w, uint32_t key, gt_match_opportunity *o)
{
	uint64_t s = (w->seed ^ 0x5bd1e995) * 0x100000001b3ULL + key;
	S_rand(&s);
	static const double levels[4] = {50, 85, 100, 100};
	*o = (gt_match_opportunity){.key = key};
	o->nrequired = S_skills(w, &s, 1 + S_below(&s, 3), levels, o->required);
	unsigned welcome = S_below(&s, 4);
	for (unsigned i = 0; i < welcome; i++)
		o->welcome |= (uint64_t)1 << S_pick(&s, w->skill, w->nskills);
	o->remote = S_unit(&s) < 0.30;
	if (!o->remote)
		S_place(w, &s, 10, &o->lat_e6, &o->lon_e6);
	/* 1 to 8 slots of 2 to 4 hours in the coming week; a tenth are
	 * projects with no fixed times */
	if (S_unit(&s) >= 0.10) {
		unsigned slots = 1 + S_below(&s, 8);
		for (unsigned i = 0; i < slots; i++)
			S_block(o->slot_hours, S_below(&s, 7) * 24 + 8 + S_below(&s, 12),
				2 + S_below(&s, 3));
	}
	if (S_unit(&s) < 0.25)
		o->languages = 1u << (S_unit(&s) < 0.8 ? w->zh : w->en);
	o->cause = (uint8_t)S_below(&s, w->ncauses);
	double age = S_unit(&s);
	o->min_age = age < 0.70 ? 0 : age < 0.85 ? 16 : 18;
	o->open = S_unit(&s) < 0.95;
}

/* The filter of query i: half none, the rest one kind each. */
static void S_make_filter(const S_world *w, uint64_t *s, gt_match_filter *f)
{
	*f = (gt_match_filter){.remote = -1, .year = 2026};
	double k = S_unit(s);
	if (k < 0.50)
		return;
	if (k < 0.62)
		f->causes = 1u << S_below(s, w->ncauses) | 1u << S_below(s, w->ncauses);
	else if (k < 0.72)
		f->remote = (int)S_below(s, 2);
	else if (k < 0.82)
		f->min_score = 60;
	else if (k < 0.92)
		f->skills = (uint64_t)1 << S_pick(s, w->skill, w->nskills) |
			    (uint64_t)1 << S_pick(s, w->skill, w->nskills);
	else
		f->max_km = 10;
}

typedef struct S_q {
	bool candidates;
	uint32_t key;
	gt_match_filter f;
} S_q;

typedef struct S_runner {
	gt_match *m;
	const S_q *q;
	size_t n, step, first;
	double *ms;	/* per query, or NULL */
	size_t results; /* summed */
	size_t totals;
	int failed;
} S_runner;

static void *S_run(void *arg)
{
	S_runner *r = arg;
	gt_match_result out[20];
	for (size_t i = r->first; i < r->n; i += r->step) {
		size_t nout, total;
		double t0 = S_now();
		int e = r->q[i].candidates ?
				gt_match_for_opportunity(r->m, r->q[i].key, &r->q[i].f, 0, 20, out,
							 &nout, &total, NULL) :
				gt_match_for_volunteer(r->m, r->q[i].key, &r->q[i].f, 0, 20, out,
						       &nout, &total, NULL);
		double t = S_now() - t0;
		if (e != 0) {
			r->failed = 1;
			continue;
		}
		if (r->ms)
			r->ms[i] = t * 1e3;
		r->results += nout;
		r->totals += total;
	}
	return NULL;
}

static int S_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The latency line of one kind of query: ms[n] sorted in place. */
static void S_report(const char *what, double *ms, size_t n, size_t results, size_t totals)
{
	if (!n)
		return;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += ms[i];
	qsort(ms, n, sizeof(*ms), S_cmp_double);
#define S_AT(p) ms[(size_t)((double)(n - 1) * (p))]
	printf("%s: %zu queries, 1 thread: %.0f queries/s; p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, "
	       "max %.3f ms; %.1f results per query (%.0f matching on average)\n",
	       what, n, (double)n / (sum / 1e3), S_AT(0.50), S_AT(0.90), S_AT(0.99), ms[n - 1],
	       (double)results / (double)n, (double)totals / (double)n);
#undef S_AT
}

/* A field of /proc/self/status in KiB, or -1. */
static long S_status_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static int S_bench_match(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("volunteers"), GT_OPT_VALUE("opportunities"),
			 GT_OPT_VALUE("queries"), GT_OPT_VALUE("seed"), GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage_match, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	uint64_t nv = 1000000, no = 100000, nq = 20000, seed = 1;
	gt_opt *o;
	if (((o = gt_args_get(opts, "volunteers"))->given &&
	     gt_args_u64(o, 1, UINT32_MAX - 1, &nv) < 0) ||
	    ((o = gt_args_get(opts, "opportunities"))->given &&
	     gt_args_u64(o, 1, UINT32_MAX - 1, &no) < 0) ||
	    ((o = gt_args_get(opts, "queries"))->given && gt_args_u64(o, 2, 100000000, &nq) < 0) ||
	    ((o = gt_args_get(opts, "seed"))->given && gt_args_u64(o, 0, UINT64_MAX, &seed) < 0))
		return GT_EXIT_USAGE;

	gt_error err = {0};
	gt_match *m = NULL;
	S_q *q = NULL;
	double *ms = NULL;
	int rc = GT_EXIT_FAIL;
	S_world w;
	S_world_init(&w, seed);
	if (gt_match_new(&m, &err) < 0)
		goto fail;
	printf("matching engine: %llu volunteers around %zu Chinese cities, %llu opportunities, "
	       "seed %llu\n",
	       (unsigned long long)nv, S_NCITIES, (unsigned long long)no, (unsigned long long)seed);

	/* Time the puts alone: making the records is the benchmark's work. */
	double put_s = 0, t0 = S_now();
	bool progress = gt_cli_progress_enabled();
	for (uint64_t i = 0; i < nv; i++) {
		gt_match_volunteer v;
		S_make_volunteer(&w, (uint32_t)i + 1, &v);
		double t = S_now();
		if (gt_match_put_volunteer(m, &v, &err) < 0)
			goto fail;
		put_s += S_now() - t;
		if (progress && i % 65536 == 0)
			fprintf(stderr, "\rloading: %llu / %llu volunteers", (unsigned long long)i,
				(unsigned long long)nv);
	}
	if (progress)
		fputc('\n', stderr);
	double vol_wall = S_now() - t0, opp_s = 0;
	for (uint64_t i = 0; i < no; i++) {
		gt_match_opportunity op;
		S_make_opportunity(&w, (uint32_t)i + 1, &op);
		double t = S_now();
		if (gt_match_put_opportunity(m, &op, &err) < 0)
			goto fail;
		opp_s += S_now() - t;
	}
	printf("loaded %llu volunteers in %.2f s (%.0f/s; %.2f s with making them), "
	       "%llu opportunities in %.2f s (%.0f/s)\n",
	       (unsigned long long)nv, put_s, (double)nv / put_s, vol_wall, (unsigned long long)no,
	       opp_s, (double)no / opp_s);
	size_t bytes = gt_match_bytes(m);
	printf("memory: peak RSS %.1f MiB (VmHWM), the engine's estimate %.1f MiB "
	       "(%.0f bytes per volunteer, counting the opportunities with them)\n",
	       (double)S_status_kib("VmHWM") / 1024.0, (double)bytes / 1048576.0,
	       (double)bytes / (double)nv);

	/* The queries, made first so that both runs ask the same. */
	q = calloc(nq, sizeof(*q));
	ms = calloc(nq, sizeof(*ms));
	if (!q || !ms) {
		snprintf(err.msg, sizeof(err.msg), "out of memory");
		goto fail;
	}
	uint64_t s = seed ^ 0x2545f4914f6cdd1dULL;
	size_t half = nq / 2;
	for (size_t i = 0; i < nq; i++) {
		q[i].candidates = i >= half;
		q[i].key = (uint32_t)(1 + S_rand(&s) % (q[i].candidates ? no : nv));
		S_make_filter(&w, &s, &q[i].f);
	}
	S_runner one = {m, q, half, 1, 0, ms, 0, 0, 0};
	S_run(&one);
	S_runner two = {m, q, nq, 1, half, ms, 0, 0, 0};
	S_run(&two);
	if (one.failed || two.failed) {
		snprintf(err.msg, sizeof(err.msg), "a query failed");
		goto fail;
	}
	S_report("opportunities for a volunteer", ms, half, one.results, one.totals);
	S_report("candidates for an opportunity", ms + half, nq - half, two.results, two.totals);

	/* Both kinds at once on 2 threads, each taking every other query. */
	pthread_t th[2];
	S_runner par[2];
	double p0 = S_now();
	for (int i = 0; i < 2; i++) {
		par[i] = (S_runner){m, q, nq, 2, (size_t)i, NULL, 0, 0, 0};
		pthread_create(&th[i], NULL, S_run, &par[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	double ps = S_now() - p0;
	if (par[0].failed || par[1].failed) {
		snprintf(err.msg, sizeof(err.msg), "a query failed");
		goto fail;
	}
	printf("both kinds on 2 threads: %llu queries in %.2f s, %.0f queries/s\n",
	       (unsigned long long)nq, ps, (double)nq / ps);
	printf("peak RSS at the end: %.1f MiB\n", (double)S_status_kib("VmHWM") / 1024.0);
	rc = GT_EXIT_OK;
fail:
	if (rc != GT_EXIT_OK)
		gt_cli_error("bench: %s", err.msg);
	gt_match_free(m);
	free(q);
	free(ms);
	return rc;
}

int gt_cmd_bench(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "log") == 0)
		return S_bench_log(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "match") == 0)
		return S_bench_match(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(S_usage, stdout);
		return GT_EXIT_OK;
	}
	gt_cli_error("bench: say what to measure: goodtrace bench log or goodtrace bench match "
		     "(see --help)");
	return GT_EXIT_USAGE;
}
