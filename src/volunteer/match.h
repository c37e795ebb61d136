/* Skills matching of volunteers and opportunities, in memory.
 *
 * The engine holds every volunteer and opportunity in compact form and answers
 * two queries: the opportunities that suit a volunteer, and the volunteers
 * that suit an opportunity (its candidates). Both rank by one score of 0..100
 * and page through the ranking. It is rebuilt from the store at start and
 * kept up to date by the caller (put, del); it owns nothing of the caller's.
 *
 * Hard rules: a pair is no match at all when
 *  - the opportunity is closed;
 *  - the volunteer's age is known (birth_year != 0) and year - birth_year is
 *    below the opportunity's min_age;
 *  - the opportunity is in person (not remote) and the volunteer is not
 *    located, or travels 0 km (remote only), or lives further than their
 *    radius_km from it (and, in queries, further than the filter's max_km);
 *  - the opportunity requires skills and the volunteer holds none of them at
 *    any level;
 *  - (candidates only) the volunteer is not discoverable.
 *
 * Score: five components, each an integer 0..100, rounded to the nearest
 * (halves up), and their weighted sum:
 *  - skill, weight 40. With required skills: (covered + below_level / 2) /
 *    required * 100, where covered counts the required skills the volunteer
 *    holds at or above the required level and below_level those held below
 *    it: one of one held a level short is 50, one of three covered 33, two
 *    of three 67. Without required skills: 100 when they hold one of the
 *    welcome skills, else 50. Welcome skills add nothing more (welcome_held
 *    counts them, for display).
 *  - distance, weight 20. Remote: 100 (km = -1). In person: 100 * (1 - d /
 *    (2 * radius_km)), d the great-circle distance (haversine on a sphere of
 *    6371 km) and radius_km the volunteer's own: 100 at their door, 75 at
 *    half their radius, 50 at its edge.
 *  - availability, weight 20. No slot_hours (a project with no fixed times):
 *    100. Else the share of the hours the slots take that the volunteer is
 *    available: 6 of 8 hours is 75 (fit_hours 6, slot_hours 8).
 *  - cause, weight 10: 100 when the volunteer's causes include the
 *    opportunity's, 50 when the volunteer listed none, else 0.
 *  - language, weight 10: 100 when the opportunity names no language or
 *    they share one, else 0.
 * score = (40 * skill + 20 * distance + 20 * availability + 10 * cause +
 * 10 * language) / 100, rounded to the nearest. All of it is integer
 * arithmetic except the distance, which is computed by one function
 * (gt_match_km) wherever it is needed, so equal inputs give equal results
 * in every query and in gt_match_score.
 *
 * Ranking: score descending, then the other side's key ascending, so that
 * pages are stable and results reproducible.
 *
 * Pruning: a query looks only at records that could pass the hard rules:
 * the volunteers holding one of an opportunity's required skills (posting
 * lists per skill), or those whose home lies within reach of an in-person
 * opportunity (a grid of cells of 0.1 degree), or all of them, whichever is
 * cheapest; the remote opportunities requiring a skill the volunteer holds,
 * and the in-person ones within their radius. A candidate is then settled
 * from the 32 bytes of it that bound its score (all but its hours and
 * home): most count towards *total without being scored exactly, as they
 * cannot make the page. None of this changes a result (the unit tests
 * compare every query with a scan of all pairs).
 *
 * Memory: 64 bytes per volunteer and 80 per opportunity, 4 bytes per entry
 * of a posting list or cell, and a key map of 4 to 8 bytes per record:
 * about 110 bytes per volunteer at a million (gt_match_bytes).
 *
 * Thread safety: queries and the counters run concurrently with each other
 * (a read lock); put and del take the write lock (writers are preferred, so
 * a stream of queries cannot starve them).
 *
 * Errors: functions that can fail return 0 or a negative GT_E* code with a
 * message in err (which may be NULL), and leave the engine unchanged. */
#ifndef GT_VOLUNTEER_MATCH_H
#define GT_VOLUNTEER_MATCH_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GT_MATCH_SKILLS 12     /* skills per volunteer */
#define GT_MATCH_REQUIRED 8    /* required skills per opportunity */
#define GT_MATCH_LIMIT_MAX 100 /* results per page */
#define GT_MATCH_OFFSET_MAX 10000

/* The weights of the components (they add up to 100). */
#define GT_MATCH_W_SKILL 40
#define GT_MATCH_W_DISTANCE 20
#define GT_MATCH_W_AVAILABILITY 20
#define GT_MATCH_W_CAUSE 10
#define GT_MATCH_W_LANGUAGE 10

/* Hours of the week: bit h of a 168-bit mask (3 words, bits 168..191 zero)
 * is hour h % 24 of day h / 24, UTC, day 0 Monday. */
#define GT_MATCH_HOURS 168

/* The radius of the Earth of every distance, in km. */
#define GT_MATCH_EARTH_KM 6371.0

typedef struct gt_match_skill {
	uint8_t skill; /* index in gt_vol_skills */
	uint8_t level; /* 1..4 */
} gt_match_skill;

/* A volunteer. put refuses (GT_EINVAL) a skill or level out of range, more
 * than GT_MATCH_SKILLS skills, the same skill twice, bits of languages or
 * causes beyond the taxonomy's terms, hour bits past 168, and a location
 * outside [-90, 90] x [-180, 180] degrees when located. */
typedef struct gt_match_volunteer {
	uint32_t key; /* the caller's row key */
	uint8_t nskills;
	gt_match_skill skills[GT_MATCH_SKILLS];
	bool located;
	int32_t lat_e6, lon_e6;	    /* home, microdegrees */
	uint16_t radius_km;	    /* how far they travel; 0: remote only */
	uint64_t avail[3];	    /* hour-of-week bits (GT_MATCH_HOURS) they are free */
	uint32_t languages, causes; /* bit i = gt_vol_languages[i] / gt_vol_causes[i] */
	uint16_t birth_year;	    /* 0: unknown */
	bool discoverable;	    /* may appear in organisations' candidate lists */
} gt_match_volunteer;

/* An opportunity. put refuses (GT_EINVAL) what it refuses of volunteers,
 * and a cause beyond the taxonomy's, welcome bits beyond its skills. */
typedef struct gt_match_opportunity {
	uint32_t key;
	uint8_t nrequired;
	gt_match_skill required[GT_MATCH_REQUIRED];
	uint64_t welcome; /* skill bits */
	bool remote;
	int32_t lat_e6, lon_e6; /* place when not remote */
	uint64_t slot_hours[3]; /* hour-of-week bits covered by its open future slots (UTC);
				   all zero: no fixed times (a project) */
	uint32_t languages;	/* 0: any */
	uint8_t cause;		/* index in gt_vol_causes */
	uint8_t min_age;	/* 0: none */
	bool open;		/* closed ones are never matched */
} gt_match_opportunity;

/* What a query keeps, besides the hard rules. A NULL filter is all zero
 * with remote -1. Note that a zeroed filter has remote 0, in person only:
 * set remote to -1 for both. */
typedef struct gt_match_filter {
	uint32_t causes;    /* 0: any; else the opportunity's cause must be in it */
	uint64_t skills;    /* 0: any; else the opportunity must require or welcome one of them
			       (for_volunteer) / the volunteer must hold one (for_opportunity) */
	uint32_t languages; /* 0: any; else the volunteer must speak one (for_opportunity) /
			       the opportunity must name one or none (for_volunteer) */
	int remote;	    /* -1 any, 0 in person only, 1 remote only */
	uint32_t max_km;    /* 0: the volunteer's own radius; else min(that, max_km) */
	int min_score;	    /* 0..100: leave out lower scores (and from *total) */
	int year; /* current year, for min_age against birth_year (age = year - birth_year);
		     0: this year by the clock (UTC) */
} gt_match_filter;

typedef struct gt_match_result {
	uint32_t key;					    /* the other side's key */
	int score;					    /* 0..100, the weighted total */
	int skill, distance, availability, cause, language; /* components, each 0..100 */
	uint8_t required, covered, below_level; /* required skills; covered at or above their
						   level; held below it */
	uint8_t welcome_held;			/* welcome skills held, at any level */
	int32_t km;				/* distance rounded to km; -1 remote */
	uint16_t fit_hours, slot_hours; /* hours of the week that fit / that the slots take */
} gt_match_result;

typedef struct gt_match gt_match;

/* A new, empty engine in *ret. 0, GT_ENOMEM or GT_EIO (the lock). */
int gt_match_new(gt_match **ret, gt_error *err);
/* Free the engine (NULL is a no-op). No query may be running. */
void gt_match_free(gt_match *m);

/* Insert or replace (same key) a volunteer / an opportunity: 0, GT_EINVAL
 * (see the structs; nothing changed), or GT_ENOMEM. Changing a record moves
 * it between posting lists and cells only where its skills, place or
 * visibility changed; each move costs a scan of the list it leaves. */
int gt_match_put_volunteer(gt_match *m, const gt_match_volunteer *v, gt_error *err);
int gt_match_put_opportunity(gt_match *m, const gt_match_opportunity *o, gt_error *err);
/* Remove by key; an unknown key is a no-op. */
void gt_match_del_volunteer(gt_match *m, uint32_t key);
void gt_match_del_opportunity(gt_match *m, uint32_t key);

/* How many are held. */
size_t gt_match_volunteers(gt_match *m);
size_t gt_match_opportunities(gt_match *m);
/* The engine's own estimate of the memory it holds, in bytes (arrays and
 * indexes at their allocated size; not the allocator's overhead). */
size_t gt_match_bytes(gt_match *m);

/* The ranked matches of one volunteer (opportunities) / one opportunity
 * (volunteers) that pass the filter f (may be NULL): results [offset,
 * offset + limit) of the ranking into out[limit], their number in *nout,
 * and in *total how many match at all. 0; GT_ENOTFOUND for an unknown key;
 * GT_EINVAL for limit over GT_MATCH_LIMIT_MAX, offset over
 * GT_MATCH_OFFSET_MAX or a filter out of range; GT_ENOMEM. Outputs are set
 * only on success. */
int gt_match_for_volunteer(gt_match *m, uint32_t vkey, const gt_match_filter *f, size_t offset,
			   size_t limit, gt_match_result *out, size_t *nout, size_t *total,
			   gt_error *err);
int gt_match_for_opportunity(gt_match *m, uint32_t okey, const gt_match_filter *f, size_t offset,
			     size_t limit, gt_match_result *out, size_t *nout, size_t *total,
			     gt_error *err);

/* One pair's score, explained: true and *out filled when the pair passes the
 * hard rules (not discoverability, which only candidate lists apply, nor any
 * filter); false when it is no match, or when either record is one put
 * would refuse. year as in gt_match_filter (0: this year). For tests and for
 * explaining a score. */
bool gt_match_score(const gt_match_volunteer *v, const gt_match_opportunity *o, int year,
		    gt_match_result *out);

/* The great-circle distance in km between two points in microdegrees
 * (haversine, GT_MATCH_EARTH_KM): the one distance of every rule above. */
double gt_match_km(int32_t lat1_e6, int32_t lon1_e6, int32_t lat2_e6, int32_t lon2_e6);

#endif
