/* Sign-ups, check-in and check-out, sessions recorded by the organisation,
 * hours confirmed or corrected, disputes.
 *
 * Rules (each refusal says which): a sign-up only within the slot's capacity
 * and never overlapping another active sign-up of the same volunteer; the
 * organisation confirms or declines it; check-in with the slot's signed code
 * from 30 minutes before the slot until its end, with a confirmed sign-up and
 * no other session open; check-out closes the session, its minutes clipped to
 * the slot; a session the organisation records must have ended (no hours in
 * the future), last at most a day and overlap none of the volunteer's. */
#include "volunteer/vol_int.h"
#include "core/json.h"
#include "core/time.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

/* Columns of GT_Q_VOL_SIGNUP_GET. */
enum {
	SU_IDX,
	SU_NUM,
	SU_SLOT,
	SU_VOL,
	SU_STARTS,
	SU_ENDS,
	SU_STATUS,
	SU_AT,
	SU_DIDX,
	SU_DAT,
	SU_NOTE,
	SU_OPP,
	SU_ORG,
	SU_TITLE
};
/* Columns of GT_Q_VOL_SESSION_GET. */
enum {
	SE_IDX,
	SE_SIGNUP,
	SE_VOL,
	SE_NUM,
	SE_ORG,
	SE_STARTS,
	SE_ENDS,
	SE_MINUTES,
	SE_STATUS
};

static int64_t S_ms(gt_stmt *st, int col)
{
	int64_t ms = 0;
	gt_time_parse(gt_stmt_text(st, col, NULL), &ms);
	return ms;
}

static int64_t S_year_of(const char *at)
{
	return (at[0] - '0') * 1000 + (at[1] - '0') * 100 + (at[2] - '0') * 10 + at[3] - '0';
}

/* The input's "signup" index, its row open in *ret. */
static int S_signup_in(gt_decide *d, const json_t *in, gt_stmt **ret, gt_error *err)
{
	int64_t idx;
	int rc = gt_json_int(in, "signup", 0, INT64_MAX, &idx, err);
	return rc < 0 ? rc : gt_vol_signup(gt_decide_conn(d), idx, ret, err);
}

static int S_session_in(gt_decide *d, const json_t *in, gt_stmt **ret, gt_error *err)
{
	int64_t idx;
	int rc = gt_json_int(in, "session", 0, INT64_MAX, &idx, err);
	return rc < 0 ? rc : gt_vol_session(gt_decide_conn(d), idx, ret, err);
}

/* 0 when the caller is the organisation of the row's opportunity (column col). */
static int S_owner(gt_decide *d, gt_stmt *st, int col, const char *what, gt_error *err)
{
	const char *org = gt_stmt_text(st, col, NULL);
	if (gt_decide_org(d) && strcmp(gt_decide_role(d), GT_ROLE_VOLUNTEER) != 0 &&
	    strcmp(org, gt_decide_org(d)) == 0)
		return 0;
	return gt_fail(err, GT_EDENIED, "%s %lld belongs to %s", what,
		       (long long)gt_stmt_i64(st, 0), org);
}

/* The calling volunteer's reference. */
static int S_my_ref(gt_decide *d, char ref[GT_PSEUDO_LEN + 1], gt_error *err)
{
	gt_stmt *me;
	int rc = gt_vol_me(d, &me, err);
	if (rc == 0) {
		snprintf(ref, GT_PSEUDO_LEN + 1, "%s", gt_stmt_text(me, 3, NULL));
		gt_stmt_close(me);
	}
	return rc;
}

/* The session of sign-up signup: 1 with its index (and start, if asked)
 * in *session, 0 when it has none, or a negative code. */
static int S_session_of(gt_store_conn *c, int64_t signup, int64_t *session,
			char start[GT_TIME_LEN + 1], gt_error *err)
{
	gt_stmt *x;
	int rc = gt_stmt_open(c, GT_Q_VOL_SESSION_BY_SIGNUP, &x, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(x, 1, signup);
	if ((rc = gt_stmt_step(x, err)) == 1) {
		*session = gt_stmt_i64(x, SE_IDX);
		if (start)
			snprintf(start, GT_TIME_LEN + 1, "%s", gt_stmt_text(x, SE_STARTS, NULL));
	}
	gt_stmt_close(x);
	return rc;
}

/* Query q (1 volunteer, 2 from, 3 to) for something of the volunteer's
 * overlapping [from, to): 1 with its index in *found, 0, or a negative code. */
static int S_overlap(gt_store_conn *c, gt_query q, const char *ref, const char *from,
		     const char *to, int64_t *found, gt_error *err)
{
	gt_stmt *x;
	int rc = gt_stmt_open(c, q, &x, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(x, 1, ref, (size_t)-1);
	gt_stmt_bind_text(x, 2, from, (size_t)-1);
	gt_stmt_bind_text(x, 3, to, (size_t)-1);
	if ((rc = gt_stmt_step(x, err)) == 1)
		*found = gt_stmt_i64(x, 0);
	gt_stmt_close(x);
	return rc;
}

/* ---- sign-ups ------------------------------------------------------------------------------ */

int gt_vol_signup_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"opportunity", "slot", NULL};
	const char *id, *slot;
	gt_stmt *me, *op = NULL, *sl = NULL, *x = NULL;
	int rc = gt_vol_me(d, &me, err);
	if (rc < 0)
		return rc;
	gt_store_conn *c = gt_decide_conn(d);
	char ref[GT_PSEUDO_LEN + 1];
	snprintf(ref, sizeof(ref), "%s", gt_stmt_text(me, 3, NULL));
	int64_t birth_year = gt_stmt_is_null(me, 5) ? 0 : gt_stmt_i64(me, 5);
	gt_stmt_close(me);
	rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "opportunity", GT_VOL_ID_MAX, true, &id, err);
	if (rc == 0)
		rc = gt_json_slug(in, "slot", GT_VOL_SLOT_MAX, true, &slot, err);
	if (rc == 0)
		rc = gt_vol_opportunity(c, id, &op, err);
	if (rc < 0)
		return rc;
	int64_t num = gt_stmt_i64(op, 0);
	json_t *data = NULL;
	json_error_t je;
	json_t *odata = json_loads(gt_stmt_text(op, 8, NULL), 0, &je);
	int64_t min_age = gt_vol_int(odata, "min_age");
	json_decref(odata);
	if (!gt_stmt_is_null(op, 10))
		rc = gt_fail(err, GT_ESTATE, "opportunity \"%s\" was closed at %s", id,
			     gt_stmt_text(op, 11, NULL));
	if (rc == 0 && (rc = gt_stmt_open(c, GT_Q_VOL_SLOT_GET, &sl, err)) == 0) {
		gt_stmt_bind_i64(sl, 1, num);
		gt_stmt_bind_text(sl, 2, slot, (size_t)-1);
		rc = gt_stmt_step(sl, err);
		if (rc == 0)
			rc = gt_fail(err, GT_ENOTFOUND, "opportunity \"%s\" has no slot \"%s\"", id,
				     slot);
		else if (rc == 1)
			rc = 0;
	}
	if (rc == 0 && S_ms(sl, 2) <= gt_decide_now_ms(d))
		rc = gt_fail(err, GT_ESTATE, "slot \"%s\" ended at %s", slot,
			     gt_stmt_text(sl, 2, NULL));
	if (rc == 0 && gt_stmt_i64(sl, 4) >= gt_stmt_i64(sl, 3))
		rc = gt_fail(err, GT_ESTATE, "slot \"%s\" is full (%lld of %lld places taken)",
			     slot, (long long)gt_stmt_i64(sl, 4), (long long)gt_stmt_i64(sl, 3));
	if (rc == 0 && min_age && !birth_year)
		rc = gt_fail(err, GT_ESTATE,
			     "opportunity \"%s\" has a minimum age of %lld: add your birth year to "
			     "your profile first",
			     id, (long long)min_age);
	if (rc == 0 && min_age && S_year_of(gt_stmt_text(sl, 1, NULL)) - birth_year < min_age)
		rc = gt_fail(err, GT_ESTATE, "opportunity \"%s\" has a minimum age of %lld", id,
			     (long long)min_age);
	if (rc == 0 && (rc = gt_stmt_open(c, GT_Q_VOL_SIGNUP_OF, &x, err)) == 0) {
		gt_stmt_bind_text(x, 1, ref, (size_t)-1);
		gt_stmt_bind_i64(x, 2, num);
		gt_stmt_bind_text(x, 3, slot, (size_t)-1);
		rc = gt_stmt_step(x, err);
		if (rc == 1)
			rc = gt_fail(err, GT_EEXIST,
				     "you are already signed up for this slot "
				     "(sign-up %lld)",
				     (long long)gt_stmt_i64(x, 0));
		gt_stmt_close(x);
		x = NULL;
	}
	/* No double-booking: no other active sign-up at an overlapping time. */
	int64_t other;
	if (rc == 0 && (rc = S_overlap(c, GT_Q_VOL_SIGNUP_OVERLAP, ref, gt_stmt_text(sl, 1, NULL),
				       gt_stmt_text(sl, 2, NULL), &other, err)) == 1)
		rc = gt_fail(
			err, GT_ESTATE,
			"you are already signed up for another slot at that time (sign-up %lld)",
			(long long)other);
	if (rc == 0)
		data = json_pack("{s:s, s:s, s:s}", "opportunity", id, "slot", slot, "volunteer",
				 ref);
	gt_stmt_close(sl);
	gt_stmt_close(op);
	if (rc < 0)
		return rc;
	uint64_t index;
	if ((rc = gt_decide_emit(d, "vol.signup", data, &index, err)) < 0)
		return rc;
	gt_decide_reply(d, json_pack("{s:I, s:s, s:s, s:s}", "signup", (json_int_t)index,
				     "opportunity", id, "slot", slot, "status", "pending"));
	return 0;
}

int gt_vol_signup_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const char *slot = gt_vol_opt(e->data, "slot");
	gt_stmt *op, *sl;
	int rc = gt_vol_opportunity(c, gt_vol_opt(e->data, "opportunity"), &op, err);
	if (rc < 0)
		return rc;
	int64_t num = gt_stmt_i64(op, 0);
	gt_stmt_close(op);
	if ((rc = gt_stmt_open(c, GT_Q_VOL_SLOT_GET, &sl, err)) < 0)
		return rc;
	gt_stmt_bind_i64(sl, 1, num);
	gt_stmt_bind_text(sl, 2, slot, (size_t)-1);
	rc = gt_stmt_step(sl, err);
	int64_t r = rc;
	if (rc == 1)
		r = gt_store_exec(c, GT_Q_VOL_SIGNUP_PUT, err, "iittttt", (int64_t)e->index, num,
				  slot, gt_vol_opt(e->data, "volunteer"), gt_stmt_text(sl, 1, NULL),
				  gt_stmt_text(sl, 2, NULL), e->at);
	else if (rc == 0)
		r = gt_fail(err, GT_ECORRUPT, "sign-up %llu: no slot \"%s\"",
			    (unsigned long long)e->index, slot);
	gt_stmt_close(sl);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_VOL_SLOT_TAKE, err, "iti", num, slot, (int64_t)1);
	return r < 0 ? (int)r : 0;
}

int gt_vol_cancel_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"signup", NULL};
	gt_stmt *su;
	char ref[GT_PSEUDO_LEN + 1];
	int rc = S_my_ref(d, ref, err);
	if (rc < 0)
		return rc;
	if ((rc = gt_json_only(in, keys, err)) < 0 || (rc = S_signup_in(d, in, &su, err)) < 0)
		return rc;
	int64_t idx = gt_stmt_i64(su, SU_IDX);
	const char *status = gt_stmt_text(su, SU_STATUS, NULL);
	if (strcmp(gt_stmt_text(su, SU_VOL, NULL), ref) != 0)
		rc = gt_fail(err, GT_EDENIED, "sign-up %lld is not yours", (long long)idx);
	else if (strcmp(status, "pending") && strcmp(status, "confirmed"))
		rc = gt_fail(err, GT_ESTATE, "sign-up %lld is %s", (long long)idx, status);
	gt_stmt_close(su);
	int64_t session;
	if (rc == 0 && (rc = S_session_of(gt_decide_conn(d), idx, &session, NULL, err)) == 1)
		rc = gt_fail(err, GT_ESTATE,
			     "sign-up %lld has a session (%lld): it can no longer be cancelled",
			     (long long)idx, (long long)session);
	if (rc < 0)
		return rc;
	return gt_decide_emit(d, "vol.signup.cancel", json_pack("{s:I}", "signup", (json_int_t)idx),
			      NULL, err);
}

/* A sign-up leaves its place: status, and the slot's count. */
static int S_release(gt_store_conn *c, const gt_entry *e, const char *status, const char *note,
		     gt_error *err)
{
	gt_stmt *su;
	int rc = gt_vol_signup(c, gt_vol_int(e->data, "signup"), &su, err);
	if (rc < 0)
		return rc;
	int64_t idx = gt_stmt_i64(su, SU_IDX), num = gt_stmt_i64(su, SU_NUM);
	bool held = strcmp(gt_stmt_text(su, SU_STATUS, NULL), "pending") == 0 ||
		    strcmp(gt_stmt_text(su, SU_STATUS, NULL), "confirmed") == 0;
	char slot[GT_VOL_SLOT_MAX + 1];
	snprintf(slot, sizeof(slot), "%s", gt_stmt_text(su, SU_SLOT, NULL));
	gt_stmt_close(su);
	int64_t r = gt_store_exec(c, GT_Q_VOL_SIGNUP_SET, err, "ititt", idx, status,
				  (int64_t)e->index, e->at, note);
	if (r >= 0 && held && strcmp(status, "confirmed") != 0)
		r = gt_store_exec(c, GT_Q_VOL_SLOT_TAKE, err, "iti", num, slot, (int64_t)-1);
	return r < 0 ? (int)r : 0;
}

int gt_vol_cancel_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	return S_release(c, e, "cancelled", NULL, err);
}

int gt_vol_decide_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"signup", "accept", "note", NULL};
	const char *note = NULL;
	gt_stmt *su;
	int rc = gt_json_only(in, keys, err);
	const json_t *accept = json_object_get(in, "accept");
	if (rc == 0 && !json_is_boolean(accept))
		rc = gt_fail(err, GT_EINVAL, "accept must be true or false");
	if (rc == 0)
		rc = gt_json_text(in, "note", GT_VOL_NOTE_MAX, false, &note, err);
	if (rc < 0 || (rc = S_signup_in(d, in, &su, err)) < 0)
		return rc;
	int64_t idx = gt_stmt_i64(su, SU_IDX);
	const char *status = gt_stmt_text(su, SU_STATUS, NULL);
	rc = S_owner(d, su, SU_ORG, "sign-up", err);
	if (rc == 0 && strcmp(status, "pending") != 0 &&
	    !(strcmp(status, "confirmed") == 0 && json_is_false(accept)))
		rc = gt_fail(err, GT_ESTATE, "sign-up %lld is %s", (long long)idx, status);
	gt_stmt_close(su);
	int64_t session;
	if (rc == 0 && json_is_false(accept) &&
	    (rc = S_session_of(gt_decide_conn(d), idx, &session, NULL, err)) == 1)
		rc = gt_fail(err, GT_ESTATE, "sign-up %lld already has a session (%lld)",
			     (long long)idx, (long long)session);
	if (rc < 0)
		return rc;
	json_t *data =
		json_pack("{s:I, s:b}", "signup", (json_int_t)idx, "accept", json_is_true(accept));
	if (note)
		json_object_set_new(data, "note", json_string(note));
	return gt_decide_emit(d, "vol.signup.decide", data, NULL, err);
}

int gt_vol_decide_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	bool accept = json_is_true(json_object_get(e->data, "accept"));
	return S_release(c, e, accept ? "confirmed" : "declined", gt_vol_opt(e->data, "note"), err);
}

/* ---- check-in and check-out ------------------------------------------------------------------ */

/* The caller's sign-up for the slot of a check-in code: its row open in
 * *ret, the slot's times in *start and *end. */
static int S_code_signup(gt_decide *d, const json_t *in, const char *ref, gt_stmt **ret,
			 int64_t *start, int64_t *end, gt_error *err)
{
	static const char *const keys[] = {"code", NULL};
	const char *code;
	int64_t num;
	char slot[GT_VOL_SLOT_MAX + 1], mac[21], want[21];
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "code", 1, GT_VOL_CODE_MAX, &code, err);
	if (rc == 0 && gt_vol_code_parse(code, &num, slot, mac) < 0)
		rc = gt_fail(err, GT_EINVAL, "code is not a check-in code (GTV1.…)");
	if (rc < 0)
		return rc;
	gt_vol_code_mac(d, num, slot, want);
	if (CRYPTO_memcmp(mac, want, 20) != 0)
		return gt_fail(err, GT_EINVAL,
			       "code is not a valid check-in code (its signature "
			       "does not match)");
	gt_store_conn *c = gt_decide_conn(d);
	gt_stmt *x;
	if ((rc = gt_stmt_open(c, GT_Q_VOL_SIGNUP_OF, &x, err)) < 0)
		return rc;
	gt_stmt_bind_text(x, 1, ref, (size_t)-1);
	gt_stmt_bind_i64(x, 2, num);
	gt_stmt_bind_text(x, 3, slot, (size_t)-1);
	rc = gt_stmt_step(x, err);
	int64_t idx = rc == 1 ? gt_stmt_i64(x, 0) : 0;
	gt_stmt_close(x);
	if (rc == 0)
		return gt_fail(err, GT_ESTATE, "you are not signed up for slot \"%s\"", slot);
	if (rc < 0 || (rc = gt_vol_signup(c, idx, ret, err)) < 0)
		return rc;
	*start = S_ms(*ret, SU_STARTS);
	*end = S_ms(*ret, SU_ENDS);
	return 0;
}

int gt_vol_checkin_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	char ref[GT_PSEUDO_LEN + 1];
	gt_stmt *su;
	int64_t start, end, now = gt_decide_now_ms(d);
	int rc = S_my_ref(d, ref, err);
	if (rc < 0 || (rc = S_code_signup(d, in, ref, &su, &start, &end, err)) < 0)
		return rc;
	int64_t idx = gt_stmt_i64(su, SU_IDX);
	if (strcmp(gt_stmt_text(su, SU_STATUS, NULL), "confirmed") != 0)
		rc = gt_fail(err, GT_ESTATE,
			     "sign-up %lld is %s, not confirmed by the organisation",
			     (long long)idx, gt_stmt_text(su, SU_STATUS, NULL));
	else if (now < start - GT_VOL_EARLY_MS)
		rc = gt_fail(err, GT_ESTATE,
			     "check-in opens 30 minutes before the slot starts (%s)",
			     gt_stmt_text(su, SU_STARTS, NULL));
	else if (now >= end)
		rc = gt_fail(err, GT_ESTATE, "the slot ended at %s",
			     gt_stmt_text(su, SU_ENDS, NULL));
	gt_stmt_close(su);
	gt_store_conn *c = gt_decide_conn(d);
	int64_t other;
	char at[GT_TIME_LEN + 1], later[GT_TIME_LEN + 1];
	if (rc == 0 && (rc = S_session_of(c, idx, &other, at, err)) == 1)
		rc = gt_fail(err, GT_EEXIST, "you checked in for this slot at %s", at);
	/* No overlapping sessions: none open, none ending after now. */
	gt_time_format(now, at);
	gt_time_format(now + 1, later);
	if (rc == 0 &&
	    (rc = S_overlap(c, GT_Q_VOL_SESSION_OVERLAP, ref, at, later, &other, err)) == 1)
		rc = gt_fail(err, GT_ESTATE,
			     "you are still checked in elsewhere (session %lld): check out first",
			     (long long)other);
	if (rc < 0)
		return rc;
	uint64_t index;
	rc = gt_decide_emit(d, "vol.checkin",
			    json_pack("{s:I, s:s}", "signup", (json_int_t)idx, "volunteer", ref),
			    &index, err);
	if (rc == 0)
		gt_decide_reply(d,
				json_pack("{s:I, s:I, s:s}", "session", (json_int_t)index, "signup",
					  (json_int_t)idx, "checked_in", gt_decide_at(d)));
	return rc;
}

/* A new session row for entry e of sign-up signup: from start to end (NULL:
 * open) with minutes, in status. */
static int S_session_put(gt_store_conn *c, const gt_entry *e, int64_t signup, const char *start,
			 const char *end, int64_t minutes, const char *status, gt_error *err)
{
	gt_stmt *su;
	int rc = gt_vol_signup(c, signup, &su, err);
	if (rc < 0)
		return rc;
	int64_t r = end ? gt_store_exec(c, GT_Q_VOL_SESSION_PUT, err, "iititttiti",
					(int64_t)e->index, signup, gt_stmt_text(su, SU_VOL, NULL),
					gt_stmt_i64(su, SU_NUM), gt_stmt_text(su, SU_ORG, NULL),
					start, end, minutes, status, S_year_of(start)) :
			  gt_store_exec(c, GT_Q_VOL_SESSION_PUT, err,
					"iititt"
					"nn"
					"ti",
					(int64_t)e->index, signup, gt_stmt_text(su, SU_VOL, NULL),
					gt_stmt_i64(su, SU_NUM), gt_stmt_text(su, SU_ORG, NULL),
					start, status, S_year_of(start));
	gt_stmt_close(su);
	return r < 0 ? (int)r : 0;
}

int gt_vol_checkin_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	return S_session_put(c, e, gt_vol_int(e->data, "signup"), e->at, NULL, 0, "open", err);
}

int gt_vol_checkout_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	char ref[GT_PSEUDO_LEN + 1];
	gt_stmt *su, *se;
	int64_t start, end, now = gt_decide_now_ms(d);
	int rc = S_my_ref(d, ref, err);
	if (rc < 0 || (rc = S_code_signup(d, in, ref, &su, &start, &end, err)) < 0)
		return rc;
	int64_t idx = gt_stmt_i64(su, SU_IDX);
	gt_stmt_close(su);
	if ((rc = gt_stmt_open(gt_decide_conn(d), GT_Q_VOL_SESSION_BY_SIGNUP, &se, err)) < 0)
		return rc;
	gt_stmt_bind_i64(se, 1, idx);
	rc = gt_stmt_step(se, err);
	int64_t session = 0, minutes = 0;
	if (rc == 0)
		rc = gt_fail(err, GT_ESTATE, "you have not checked in for this slot");
	else if (rc == 1 && !gt_stmt_is_null(se, SE_ENDS))
		rc = gt_fail(err, GT_ESTATE, "you checked out at %s",
			     gt_stmt_text(se, SE_ENDS, NULL));
	else if (rc == 1) {
		session = gt_stmt_i64(se, SE_IDX);
		/* The hours are the time between check-in and check-out within the slot. */
		int64_t from = S_ms(se, SE_STARTS), to = now < end ? now : end;
		if (from < start)
			from = start;
		minutes = to > from ? (to - from) / 60000 : 0;
		rc = 0;
	}
	gt_stmt_close(se);
	if (rc < 0)
		return rc;
	rc = gt_decide_emit(d, "vol.checkout",
			    json_pack("{s:I, s:I}", "session", (json_int_t)session, "minutes",
				      (json_int_t)minutes),
			    NULL, err);
	if (rc == 0)
		gt_decide_reply(d, json_pack("{s:I, s:I, s:s}", "session", (json_int_t)session,
					     "minutes", (json_int_t)minutes, "checked_out",
					     gt_decide_at(d)));
	return rc;
}

int gt_vol_checkout_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t r =
		gt_store_exec(c, GT_Q_VOL_SESSION_END, err, "itii", gt_vol_int(e->data, "session"),
			      e->at, gt_vol_int(e->data, "minutes"), (int64_t)e->index);
	return r < 0 ? (int)r : 0;
}

/* ---- sessions recorded, hours, disputes ----------------------------------------------------- */

int gt_vol_record_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"signup", "start", "end", "note", NULL};
	const char *start, *end, *note = NULL;
	int64_t s = 0, e = 0, now = gt_decide_now_ms(d);
	gt_stmt *su;
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "start", 1, 40, &start, err);
	if (rc == 0)
		rc = gt_json_str(in, "end", 1, 40, &end, err);
	if (rc == 0 && (gt_time_parse(start, &s) < 0 || gt_time_parse(end, &e) < 0))
		rc = gt_fail(err, GT_EINVAL, "start and end must be RFC 3339 times");
	if (rc == 0 && e <= s)
		rc = gt_fail(err, GT_EINVAL, "end must be after start");
	if (rc == 0 && e > now)
		rc = gt_fail(err, GT_EINVAL, "end is in the future: hours are recorded once done");
	if (rc == 0 && (e - s) / 60000 > GT_VOL_SESSION_MAX_MIN)
		rc = gt_fail(err, GT_EINVAL, "a session lasts at most 24 hours");
	if (rc == 0)
		rc = gt_json_text(in, "note", GT_VOL_NOTE_MAX, false, &note, err);
	if (rc < 0 || (rc = S_signup_in(d, in, &su, err)) < 0)
		return rc;
	int64_t idx = gt_stmt_i64(su, SU_IDX);
	char ref[GT_PSEUDO_LEN + 1];
	snprintf(ref, sizeof(ref), "%s", gt_stmt_text(su, SU_VOL, NULL));
	rc = S_owner(d, su, SU_ORG, "sign-up", err);
	if (rc == 0 && strcmp(gt_stmt_text(su, SU_STATUS, NULL), "confirmed") != 0)
		rc = gt_fail(err, GT_ESTATE, "sign-up %lld is %s, not confirmed", (long long)idx,
			     gt_stmt_text(su, SU_STATUS, NULL));
	gt_stmt_close(su);
	gt_store_conn *c = gt_decide_conn(d);
	int64_t other;
	if (rc == 0 && (rc = S_session_of(c, idx, &other, NULL, err)) == 1)
		rc = gt_fail(err, GT_EEXIST,
			     "sign-up %lld already has session %lld: confirm or correct its hours "
			     "instead",
			     (long long)idx, (long long)other);
	char cs[GT_TIME_LEN + 1], ce[GT_TIME_LEN + 1];
	gt_time_format(s, cs);
	gt_time_format(e, ce);
	if (rc == 0 && (rc = S_overlap(c, GT_Q_VOL_SESSION_OVERLAP, ref, cs, ce, &other, err)) == 1)
		rc = gt_fail(err, GT_ESTATE,
			     "the volunteer has another session at that time (session %lld)",
			     (long long)other);
	if (rc < 0)
		return rc;
	json_t *data =
		json_pack("{s:I, s:s, s:s, s:s, s:I}", "signup", (json_int_t)idx, "volunteer", ref,
			  "start", cs, "end", ce, "minutes", (json_int_t)((e - s) / 60000));
	if (note)
		json_object_set_new(data, "note", json_string(note));
	uint64_t index;
	rc = gt_decide_emit(d, "vol.session", data, &index, err);
	if (rc == 0)
		gt_decide_reply(d, json_pack("{s:I, s:I}", "session", (json_int_t)index, "minutes",
					     (json_int_t)((e - s) / 60000)));
	return rc;
}

int gt_vol_record_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	int64_t minutes = gt_vol_int(v, "minutes");
	int rc = S_session_put(c, e, gt_vol_int(v, "signup"), gt_vol_opt(v, "start"),
			       gt_vol_opt(v, "end"), minutes, "confirmed", err);
	if (rc < 0)
		return rc;
	/* Recorded by the organisation: confirmed by the same entry. */
	int64_t r = gt_store_exec(c, GT_Q_VOL_SESSION_HOURS, err, "itiitt", (int64_t)e->index,
				  "confirmed", minutes, (int64_t)e->index, gt_vol_opt(v, "note"),
				  e->at);
	return r < 0 ? (int)r : 0;
}

int gt_vol_hours_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"session", "minutes", "note", NULL};
	const char *note = NULL;
	int64_t minutes = -1;
	gt_stmt *se;
	int rc = gt_json_only(in, keys, err);
	const json_t *m = json_object_get(in, "minutes");
	if (rc == 0 && m && !json_is_null(m))
		rc = gt_json_int(in, "minutes", 0, GT_VOL_SESSION_MAX_MIN, &minutes, err);
	if (rc == 0)
		rc = gt_json_text(in, "note", GT_VOL_NOTE_MAX, false, &note, err);
	if (rc < 0 || (rc = S_session_in(d, in, &se, err)) < 0)
		return rc;
	int64_t idx = gt_stmt_i64(se, SE_IDX);
	bool open = gt_stmt_is_null(se, SE_ENDS);
	int64_t computed = open ? -1 : gt_stmt_i64(se, SE_MINUTES);
	int64_t elapsed = (gt_decide_now_ms(d) - S_ms(se, SE_STARTS)) / 60000;
	rc = S_owner(d, se, SE_ORG, "session", err);
	if (rc == 0 && open && minutes < 0)
		rc = gt_fail(err, GT_ESTATE,
			     "session %lld is still open (no check-out): give its minutes to close "
			     "it",
			     (long long)idx);
	if (rc == 0 && minutes > elapsed)
		rc = gt_fail(
			err, GT_EINVAL,
			"minutes %lld is more than the %lld since the session started: no hours "
			"in the future",
			(long long)minutes, (long long)(elapsed < 0 ? 0 : elapsed));
	if (minutes < 0)
		minutes = computed;
	bool corrected = minutes != computed;
	if (rc == 0 && corrected && !note)
		rc = gt_fail(err, GT_EINVAL, "a correction needs a note saying why");
	gt_stmt_close(se);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:I, s:I, s:b}", "session", (json_int_t)idx, "minutes",
				 (json_int_t)minutes, "corrected", corrected);
	if (note)
		json_object_set_new(data, "note", json_string(note));
	rc = gt_decide_emit(d, "vol.hours", data, NULL, err);
	if (rc == 0)
		gt_decide_reply(d, json_pack("{s:I, s:I, s:s}", "session", (json_int_t)idx,
					     "minutes", (json_int_t)minutes, "status",
					     corrected ? "corrected" : "confirmed"));
	return rc;
}

int gt_vol_hours_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	int64_t idx = gt_vol_int(v, "session"), minutes = gt_vol_int(v, "minutes");
	gt_stmt *se;
	int rc = gt_vol_session(c, idx, &se, err);
	if (rc < 0)
		return rc;
	bool open = gt_stmt_is_null(se, SE_ENDS);
	gt_stmt_close(se);
	int64_t r = 0;
	/* An open session is closed by the organisation's minutes, now. */
	if (open)
		r = gt_store_exec(c, GT_Q_VOL_SESSION_END, err, "itii", idx, e->at, minutes,
				  (int64_t)e->index);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_VOL_SESSION_HOURS, err, "itiitt", idx,
				  json_is_true(json_object_get(v, "corrected")) ? "corrected" :
										  "confirmed",
				  minutes, (int64_t)e->index, gt_vol_opt(v, "note"), e->at);
	return r < 0 ? (int)r : 0;
}

int gt_vol_dispute_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"session", "reason", NULL};
	const char *reason;
	char ref[GT_PSEUDO_LEN + 1];
	gt_stmt *se;
	int rc = S_my_ref(d, ref, err);
	if (rc == 0)
		rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_text(in, "reason", GT_VOL_NOTE_MAX, true, &reason, err);
	if (rc < 0 || (rc = S_session_in(d, in, &se, err)) < 0)
		return rc;
	int64_t idx = gt_stmt_i64(se, SE_IDX);
	const char *status = gt_stmt_text(se, SE_STATUS, NULL);
	if (strcmp(gt_stmt_text(se, SE_VOL, NULL), ref) != 0)
		rc = gt_fail(err, GT_EDENIED, "session %lld is not yours", (long long)idx);
	else if (strcmp(status, "open") == 0)
		rc = gt_fail(err, GT_ESTATE, "session %lld is still open: check out first",
			     (long long)idx);
	else if (strcmp(status, "disputed") == 0)
		rc = gt_fail(err, GT_ESTATE,
			     "session %lld is already disputed; the organisation answers by "
			     "confirming or correcting its hours",
			     (long long)idx);
	gt_stmt_close(se);
	if (rc < 0)
		return rc;
	/* The reason may say personal things: it stays private. */
	int64_t r = gt_store_exec(gt_decide_conn(d), GT_Q_VOL_DISPUTE_PUT, err, "itt", idx, reason,
				  gt_decide_at(d));
	if (r < 0)
		return (int)r;
	return gt_decide_emit(d, "vol.dispute", json_pack("{s:I}", "session", (json_int_t)idx),
			      NULL, err);
}

int gt_vol_dispute_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t r = gt_store_exec(c, GT_Q_VOL_SESSION_DISPUTE, err, "iit",
				  gt_vol_int(e->data, "session"), (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}
