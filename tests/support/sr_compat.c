/*
 * PRIVATE COPIES, to be removed at the merge with branch report-engine: the
 * engine implements pc_ratio_format, pc_sr_status_name and pc_sr_cause_name
 * in src/spend/report.c. Until then the renderers' tests link these (tests
 * only, never src/), written from spend_report.h's contract.
 */
#include "promptcost/spend_report.h"

#include "promptcost/money.h"

#include <stdio.h>

void pc_ratio_format(char out[32], struct pc_ratio ratio)
{
	pc_int128 num = ratio.num, den = ratio.den;
	int64_t tenths;

	if (!den) {
		snprintf(out, 32, "n/a");
		return;
	}
	if (den < 0) {
		num = -num;
		den = -den;
	}
	/* percent with one decimal = num x 1000 / den, half away from zero */
	tenths = (int64_t)pc_div_round(num * 1000, den);
	snprintf(out, 32, "%s%lld.%lld", tenths < 0 ? "-" : "",
		 (long long)((tenths < 0 ? -tenths : tenths) / 10),
		 (long long)((tenths < 0 ? -tenths : tenths) % 10));
}

const char *pc_sr_status_name(enum pc_sr_status status)
{
	static const char *const names[] = { "no-budget", "ok", "warn", "over-soft", "over-hard" };

	return names[status];
}

const char *pc_sr_cause_name(enum pc_sr_cause cause)
{
	static const char *const names[] = { "version", "inferred", "volume", "unknown" };

	return names[cause];
}
