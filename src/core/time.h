/* Wall-clock time as the log records it: RFC 3339 UTC with milliseconds. */
#ifndef GT_CORE_TIME_H
#define GT_CORE_TIME_H

#include <stdint.h>

#define GT_TIME_LEN 24 /* "2026-11-22T10:00:00.123Z" */

/* Milliseconds since the Unix epoch (CLOCK_REALTIME), plus the offset of
 * the clock file if one is set. */
int64_t gt_time_now_ms(void);
/* For tests and drills only (serve --clock-file): from now on
 * gt_time_now_ms adds the whole number of seconds that path holds, read
 * again on every call (a missing or unreadable file adds 0). NULL: the real
 * clock again. Not thread-safe against concurrent calls: set it at start. */
int gt_time_set_clock_file(const char *path);
/* Monotonic nanoseconds, for measuring durations. */
uint64_t gt_time_mono_ns(void);
/* Format ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out[GT_TIME_LEN + 1]. */
void gt_time_format(int64_t ms, char out[GT_TIME_LEN + 1]);
/* Parse exactly that form (also without ".mmm", and with an offset
 * "+HH:MM"/"-HH:MM" instead of Z). Returns 0 or GT_EINVAL. */
int gt_time_parse(const char *s, int64_t *ret_ms);

#endif
