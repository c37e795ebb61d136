/* The green module: its entry types and commands (see green.h). */
#include "green/green_int.h"

static const gt_entry_type S_types[] = {
	{"green.load", gt_green_load_decide, NULL},
	{"green.user.register", gt_green_register_decide, NULL},
	{"green.user.rekey", gt_green_rekey_decide, NULL},
	{"green.rule", gt_green_rule_decide, gt_green_rule_apply},
	{"green.actions", gt_green_actions_decide, gt_green_actions_apply},
	{"green.collect", gt_green_collect_decide, gt_green_collect_apply},
	{"green.species", gt_green_species_decide, gt_green_species_apply},
	{"green.site", gt_green_site_decide, gt_green_site_apply},
	{"green.redeem", gt_green_redeem_decide, gt_green_redeem_apply},
	{"green.planting", gt_green_planting_decide, gt_green_planting_apply},
	{"green.survival", gt_green_survival_decide, gt_green_survival_apply},
	{"green.pool", gt_green_pool_decide, gt_green_pool_apply},
	{"green.pool.close", gt_green_pool_close_decide, gt_green_pool_close_apply},
	{"green.unlock", gt_green_unlock_decide, gt_green_unlock_apply},
};

const gt_module gt_green_module = {"green", S_types, sizeof(S_types) / sizeof(S_types[0])};
