/* goodtrace bench: measured append and proof speed on a fresh temporary log. */
#include "cli/cli.h"
#include "log/log.h"

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char S_usage[] =
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
	int r = gt_args_parse(argc, argv, opts, S_usage, 0, NULL, NULL);
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

int gt_cmd_bench(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "log") == 0)
		return S_bench_log(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(S_usage, stdout);
		return GT_EXIT_OK;
	}
	gt_cli_error("bench: say what to measure: goodtrace bench log (see --help)");
	return GT_EXIT_USAGE;
}
