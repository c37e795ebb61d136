/* Unit tests for the GS1 code parser (src/trace/gs1.c). */
#include <criterion/criterion.h>

#include "trace/gs1.h"

Test(gs1, placeholder)
{
	gt_gs1 g;
	cr_assert_eq(gt_gs1_parse("(01)09506000134352", 18, 2026, &g, NULL), 0);
}
