/* Private to src/auth: organisation lookups shared by tokens and the module. */
#ifndef GT_AUTH_AUTH_INT_H
#define GT_AUTH_AUTH_INT_H

#include "auth/auth.h"

#define GT_LABEL_MAX 200
#define GT_ORG_NAME_MAX 200
#define GT_ROLES_TEXT_MAX 160 /* every role, comma-separated */

typedef struct gt_org_info {
	char id[GT_ORG_ID_MAX + 1];
	char roles[GT_ROLES_TEXT_MAX]; /* "a,b", sorted */
} gt_org_info;

/* Load organisation id: 0, or GT_ENOTFOUND "no organisation <id>". */
int gt_org_load(gt_store_conn *c, const char *id, gt_org_info *out, gt_error *err);
/* Whether the organisation holds role. */
bool gt_org_has_role(const gt_org_info *o, const char *role);

#endif
