/* How many distinct places have checked a serialised pack lately: a code
 * checked from many places at once has probably been copied.
 *
 * Kept in memory, in a fixed table of GT_SUSPECT_SLOTS sets of four ways:
 * a slot holds one pack (a 64-bit hash of GTIN and serial) and up to
 * GT_SUSPECT_PLACES places (32-bit hashes of a network: an IPv4 /24 or an
 * IPv6 /48) with when each was last seen. A new pack takes the way used
 * longest ago. Memory stays fixed whatever the traffic; a restart forgets
 * (see docs/operations.md). Striped locks keep checks from queueing. */
#include "api/suspect.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define S_WAYS 4
#define S_LOCKS 64

typedef struct S_slot {
	uint64_t key; /* 0: empty */
	uint32_t place[GT_SUSPECT_PLACES];
	uint32_t seen[GT_SUSPECT_PLACES]; /* seconds since the epoch; 0: empty */
	uint32_t used;
} S_slot;

struct gt_suspect {
	S_slot *slots; /* GT_SUSPECT_SLOTS sets of S_WAYS */
	size_t sets;
	uint32_t window_s;
	pthread_mutex_t lock[S_LOCKS];
};

int gt_suspect_new(size_t sets, uint32_t window_s, gt_suspect **ret)
{
	gt_suspect *s = calloc(1, sizeof(*s));
	if (!s)
		return GT_ENOMEM;
	s->sets = sets ? sets : GT_SUSPECT_SLOTS;
	s->window_s = window_s ? window_s : GT_SUSPECT_WINDOW_S;
	s->slots = calloc(s->sets * S_WAYS, sizeof(S_slot));
	if (!s->slots) {
		free(s);
		return GT_ENOMEM;
	}
	for (size_t i = 0; i < S_LOCKS; i++)
		pthread_mutex_init(&s->lock[i], NULL);
	*ret = s;
	return 0;
}

void gt_suspect_free(gt_suspect *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < S_LOCKS; i++)
		pthread_mutex_destroy(&s->lock[i]);
	free(s->slots);
	free(s);
}

/* FNV-1a, enough to spread keys over the table (not a security boundary:
 * the worst a collision does is merge two packs' places). */
static uint64_t S_hash(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

uint32_t gt_suspect_place(const struct sockaddr *sa, const char *forwarded)
{
	unsigned char net[16] = {0};
	size_t n = 0;
	if (forwarded && *forwarded) {
		/* The first address of X-Forwarded-For, as text: its network is
		 * what precedes the last '.' (IPv4) or the first three groups. */
		size_t len = strcspn(forwarded, ", ");
		const char *dot = memrchr(forwarded, '.', len);
		if (dot)
			len = (size_t)(dot - forwarded);
		else
			for (size_t i = 0, colons = 0; i < len; i++)
				if (forwarded[i] == ':' && ++colons == 3) {
					len = i;
					break;
				}
		return (uint32_t)S_hash(forwarded, len, 14695981039346656037ULL);
	}
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		memcpy(net, &in->sin_addr, 3);
		n = 3;
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		memcpy(net, &in6->sin6_addr, 6);
		n = 6;
	}
	return (uint32_t)S_hash(net, n, 14695981039346656037ULL);
}

unsigned gt_suspect_note(gt_suspect *s, const char *gtin, const char *serial, uint32_t place,
			 uint32_t now_s)
{
	uint64_t key = S_hash(serial, strlen(serial) + 1,
			      S_hash(gtin, strlen(gtin) + 1, 14695981039346656037ULL));
	if (key == 0)
		key = 1;
	size_t set = (size_t)(key % s->sets);
	pthread_mutex_t *lock = &s->lock[set % S_LOCKS];
	pthread_mutex_lock(lock);
	S_slot *ways = &s->slots[set * S_WAYS], *slot = NULL;
	for (int w = 0; w < S_WAYS && !slot; w++)
		if (ways[w].key == key)
			slot = &ways[w];
	if (!slot) {
		slot = &ways[0];
		for (int w = 1; w < S_WAYS; w++)
			if (ways[w].used < slot->used)
				slot = &ways[w];
		memset(slot, 0, sizeof(*slot));
		slot->key = key;
	}
	slot->used = now_s;
	/* Places seen within the window, this one included. */
	unsigned count = 0;
	int mine = -1, oldest = 0;
	for (int i = 0; i < GT_SUSPECT_PLACES; i++) {
		bool live = slot->seen[i] && now_s - slot->seen[i] <= s->window_s;
		if (!live)
			slot->seen[i] = 0;
		if (live && slot->place[i] == place)
			mine = i;
		else if (live)
			count++;
		if (slot->seen[i] < slot->seen[oldest])
			oldest = i;
	}
	int at = mine >= 0 ? mine : oldest;
	slot->place[at] = place;
	slot->seen[at] = now_s ? now_s : 1;
	count++;
	pthread_mutex_unlock(lock);
	return count;
}
