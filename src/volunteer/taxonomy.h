/* The volunteer taxonomy: skills, causes, languages and skill levels, each a
 * fixed list of terms with a stable id and English and Simplified Chinese
 * labels.
 *
 * A term's index in its array is what the matching engine stores (bit i of a
 * mask is term i, see match.h), and what the store keeps for every volunteer
 * and opportunity. So the arrays are append only: never reorder, remove or
 * reuse an entry; a term that is no longer offered keeps its place. Ids are
 * lower case ASCII words joined by hyphens; languages use ISO 639-1 codes,
 * or ISO 639-3 where a language has no two-letter code ("csl", Chinese Sign
 * Language; "yue", Cantonese). Each array ends with an entry whose id is
 * NULL. */
#ifndef GT_VOLUNTEER_TAXONOMY_H
#define GT_VOLUNTEER_TAXONOMY_H

#include <stddef.h>

typedef struct gt_vol_term {
	const char *id, *en, *zh;
} gt_vol_term;

/* The limits follow from the masks of match.h: 64 skills (uint64_t), 32
 * causes and 32 languages (uint32_t). */
#define GT_VOL_SKILLS_MAX 64
#define GT_VOL_CAUSES_MAX 32
#define GT_VOL_LANGUAGES_MAX 32
#define GT_VOL_LEVELS 4

extern const gt_vol_term gt_vol_skills[];    /* at most 64 */
extern const gt_vol_term gt_vol_causes[];    /* at most 32 */
extern const gt_vol_term gt_vol_languages[]; /* at most 32 */
/* The skill levels, in order: basic, intermediate, advanced, expert. Level n
 * (1..4) is gt_vol_levels[n - 1]. */
extern const gt_vol_term gt_vol_levels[];

/* A term's index by its id (exact, case-sensitive), or -1 for an unknown id
 * or NULL. */
int gt_vol_skill_find(const char *id);
int gt_vol_cause_find(const char *id);
int gt_vol_language_find(const char *id);
/* A level's number, 1..4, or -1. */
int gt_vol_level_find(const char *id);

/* How many terms each array holds (without the NULL entry). */
size_t gt_vol_skill_count(void);
size_t gt_vol_cause_count(void);
size_t gt_vol_language_count(void);

#endif
