/* Wall-clock time in RFC 3339 UTC with milliseconds, and a monotonic clock. */
#include "core/time.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The clock file of gt_time_set_clock_file, or none. */
static char *S_clock_file;

int gt_time_set_clock_file(const char *path)
{
	free(S_clock_file);
	S_clock_file = path ? strdup(path) : NULL;
	return !path || S_clock_file ? 0 : GT_ENOMEM;
}

/* The clock file's offset in milliseconds (0 when it cannot be read). */
static int64_t S_offset_ms(void)
{
	FILE *f = fopen(S_clock_file, "r");
	if (!f)
		return 0;
	long long seconds = 0;
	if (fscanf(f, "%lld", &seconds) != 1)
		seconds = 0;
	fclose(f);
	if (seconds < -(1LL << 40) || seconds > (1LL << 40))
		seconds = 0;
	return (int64_t)seconds * 1000;
}

int64_t gt_time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return S_clock_file ? ms + S_offset_ms() : ms;
}

uint64_t gt_time_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void gt_time_format(int64_t ms, char out[GT_TIME_LEN + 1])
{
	int64_t sec = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int milli = (int)(ms - sec * 1000);
	time_t t = (time_t)sec;
	struct tm tm;
	gmtime_r(&t, &tm);
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		 tm.tm_sec, milli);
	memcpy(out, tmp, GT_TIME_LEN);
	out[GT_TIME_LEN] = 0;
}

/* Read exactly n digits at *p into *v. */
static int S_digits(const char **p, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return GT_EINVAL;
		x = x * 10 + (c - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int S_days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int gt_time_parse(const char *s, int64_t *ret_ms)
{
	int y, mo, d, h, mi, se, ms = 0;
	const char *p = s;
	if (!s || S_digits(&p, 4, &y) || *p++ != '-' || S_digits(&p, 2, &mo) || *p++ != '-' ||
	    S_digits(&p, 2, &d) || (*p != 'T' && *p != 't') || (p++, S_digits(&p, 2, &h)) ||
	    *p++ != ':' || S_digits(&p, 2, &mi) || *p++ != ':' || S_digits(&p, 2, &se))
		return GT_EINVAL;
	if (*p == '.') {
		p++;
		int n = 0, frac = 0;
		while (*p >= '0' && *p <= '9') {
			if (n < 3)
				frac = frac * 10 + (*p - '0');
			n++;
			p++;
		}
		if (n == 0)
			return GT_EINVAL;
		for (int i = n; i < 3; i++)
			frac *= 10;
		ms = frac;
	}
	int off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (S_digits(&p, 2, &oh) || *p++ != ':' || S_digits(&p, 2, &om) || oh > 23 ||
		    om > 59)
			return GT_EINVAL;
		off = sign * (oh * 60 + om);
	} else {
		return GT_EINVAL;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > S_days_in_month(y, mo) || h > 23 || mi > 59 ||
	    se > 59)
		return GT_EINVAL;
	/* Days from the civil date (proleptic Gregorian). */
	int yy = y - (mo <= 2);
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + doe - 719468;
	int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - (int64_t)off * 60;
	*ret_ms = secs * 1000 + ms;
	return 0;
}
