# The agency's usage for `make demo` (scripts/demo.sh): October and November
# 2026, one native record (promptcost/usage/v1, JSONL) per template and UTC
# hour. awk only, no randomness: the same bytes every run.
#
#   awk -v versions="ID=BLOB ..." -v before=BLOB -v after=BLOB -f generate.awk
#
# versions: each template's blob id (the version its records name); before
# and after: document-summarization's blob before and after the change that
# adds 400 tokens, which goes live on 2026-11-16 (records from that day on
# name `after`).
#
# Every figure below is chosen so that `promptcost report --period 2026-11`
# says, to the cent and the tenth of a percent:
#
#   total $180,000.00 = $144,000.00 on demand + $36,000.00 commitment
#     (ptu-eastus: 100 units x $0.50/hour x 720 hours)
#   fourteen active use cases
#   document summarization $68,400.00 = 38.0%: three templates,
#     document-summarization $10,260.00 (15 days x $306 + 15 days x $378),
#     inspection-report-summarization $43,740.00 (30 x $1,458),
#     case-file-summarization $14,400.00 (40% of the commitment, its share
#     of the reservation's equivalents)
#   cache hit rate 41.0%: every day 570,000 calls, 233,700 response-cache
#     hits (336,300 model calls); target 55% (policy.cache_hit_target)
#   utilization 78.0%: 421,200,000 input-token equivalents a day against
#     22,500,000 an hour (100 x 3,750 tokens/minute x 60) x 24; never above
#     capacity in any hour (peak 20,385,000 = 90.6%), so nothing spills over
#
# Prices (demo/agency/promptcost.yml), in micro-dollars per token:
# gpt-4-class 12 in, 24 out (no cached price); gpt-4o 2.5 in, 1.25 cached,
# 10 out; gpt-4o-mini 0.15 in, 0.6 out. Token counts are chosen so every
# day's bucket costs a whole number of dollars: no rounding anywhere.
#
# Per template, per day (constant every day, so no spike but the change):
#   calls (response-cache hits included), hits, and per model call
#   (calls - hits) the input tokens, of them cached, and output tokens.
#   model calls x cost per model call = cost a day, on demand:
#
# id                              model        calls  hits    in     cached out   a day
# document-summarization          gpt-4-class  20000  5000    1200   0      250   15,000 x $0.0204 = $306
#   (from 2026-11-16: 1600 in:                                                    15,000 x $0.0252 = $378)
# inspection-report-summarization gpt-4-class  15000  1500    8000   0      500   13,500 x $0.108  = $1,458
# case-file-summarization         gpt-4o ptu   10000  2200    24000  6000   900    7,800 x 21,600 equivalents
# foi-request-triage              gpt-4o ptu   40000  14000   10800  3600   630   26,000 x 9,720 equivalents
# contact-center-assist           gpt-4-class  80000  60000   2000   0      250   20,000 x $0.030  = $600
# citizen-correspondence          gpt-4-class  20000  4000    1500   0      500   16,000 x $0.030  = $480
# benefits-eligibility-qa         gpt-4o       100000 60000   4000   2000   300   40,000 x $0.0105 = $420
# contract-clause-review          gpt-4-class  5000   1000    5000   0      625    4,000 x $0.075  = $300
# regulatory-comment-analysis     gpt-4o       40000  20000   3000   0      450   20,000 x $0.012  = $240
# public-notice-translation       gpt-4o       20000  6000    1200   0      1200  14,000 x $0.015  = $210
# policy-drafting-assistant       gpt-4-class  3000   0       3000   0      1000   3,000 x $0.060  = $180
# grant-application-screening     gpt-4o       15000  0       3000   0      250   15,000 x $0.010  = $150
# records-classification          gpt-4o-mini  124000 24000   7200   0      200  100,000 x $0.0012 = $120
# legislative-research            gpt-4-class  3000   1000    3000   0      1000   2,000 x $0.060  = $120
# it-service-desk                 gpt-4o       50000  30000   1500   0      125   20,000 x $0.005  = $100
# accessibility-alt-text          gpt-4o       25000  5000    1000   0      150   20,000 x $0.004  = $80
#
# On demand, November: document-summarization $10,260 + 30 x $4,446 (the
# others' $4,446 a day) = $144,000.
#
# The reservation (ptu-eastus, gpt-4o; equivalents = uncached input + 4 x
# output, cached input weighs 0): foi-request-triage 26,000 x (7,200 + 2,520)
# = 252,720,000 a day (60%: $21,600 of the commitment), case-file-summarization
# 7,800 x (18,000 + 3,600) = 168,480,000 (40%: $14,400). case-file-summarization
# runs evenly, 325 model calls an hour (7,020,000 equivalents); FOI requests
# arrive in office hours: 1,375 model calls an hour from 06:00 to 21:59 UTC
# (13,365,000 equivalents; 20,385,000 with the case files, 90.6% of capacity)
# and 500 an hour at night (4,860,000; 11,880,000 in all, 52.8%).
# At list prices the same traffic would cost $36,855.00 on demand
# ($748.80 + $479.70 a day): at 78% the reservation about breaks even, and
# $7,920.00 of it (22%) is idle.
#
# Calls and hits of the other templates are spread evenly over the 24 hours,
# the remainder of a division by 24 going to the first hours of the day.
BEGIN {
	n = 0
	t("document-summarization",          "gpt-4-class", "",           20000,  5000, 1200,    0,  250, "even")
	t("inspection-report-summarization", "gpt-4-class", "",           15000,  1500, 8000,    0,  500, "even")
	t("case-file-summarization",         "gpt-4o",      "ptu-eastus", 10000,  2200, 24000, 6000, 900, "even")
	t("foi-request-triage",              "gpt-4o",      "ptu-eastus", 40000, 14000, 10800, 3600, 630, "office")
	t("contact-center-assist",           "gpt-4-class", "",           80000, 60000, 2000,    0,  250, "even")
	t("citizen-correspondence",          "gpt-4-class", "",           20000,  4000, 1500,    0,  500, "even")
	t("benefits-eligibility-qa",         "gpt-4o",      "",          100000, 60000, 4000, 2000,  300, "even")
	t("contract-clause-review",          "gpt-4-class", "",            5000,  1000, 5000,    0,  625, "even")
	t("regulatory-comment-analysis",     "gpt-4o",      "",           40000, 20000, 3000,    0,  450, "even")
	t("public-notice-translation",       "gpt-4o",      "",           20000,  6000, 1200,    0, 1200, "even")
	t("policy-drafting-assistant",       "gpt-4-class", "",            3000,     0, 3000,    0, 1000, "even")
	t("grant-application-screening",     "gpt-4o",      "",           15000,     0, 3000,    0,  250, "even")
	t("records-classification",          "gpt-4o-mini", "",          124000, 24000, 7200,    0,  200, "even")
	t("legislative-research",            "gpt-4-class", "",            3000,  1000, 3000,    0, 1000, "even")
	t("it-service-desk",                 "gpt-4o",      "",           50000, 30000, 1500,    0,  125, "even")
	t("accessibility-alt-text",          "gpt-4o",      "",           25000,  5000, 1000,    0,  150, "even")

	nv = split(versions, pairs, " ")
	for (i = 1; i <= nv; i++) {
		eq = index(pairs[i], "=")
		blob[substr(pairs[i], 1, eq - 1)] = substr(pairs[i], eq + 1)
	}
	split("31 30", month_days, " ")
	for (m = 1; m <= 2; m++)
		for (d = 1; d <= month_days[m]; d++)
			for (h = 0; h < 24; h++)
				for (i = 1; i <= n; i++)
					record(i, 9 + m, d, h)
}

function t(id, model, deployment, calls, hits, input, cached, output, profile) {
	n++
	T_id[n] = id; T_model[n] = model; T_dep[n] = deployment
	T_calls[n] = calls; T_hits[n] = hits
	T_in[n] = input; T_cached[n] = cached; T_out[n] = output; T_profile[n] = profile
}

# A day's count v spread over the 24 hours: hour h's part.
function even(v, h) {
	return int(v / 24) + (h < v % 24)
}

function record(i, month, day, h,    id, model_calls, hits, input, version, office, live) {
	id = T_id[i]
	if (T_profile[i] == "office") {
		# foi-request-triage: 16 office hours of 1,375 model calls and
		# 700 hits, 8 night hours of 500 and 350 (26,000 and 14,000 a day)
		office = h >= 6 && h < 22
		model_calls = office ? 1375 : 500
		hits = office ? 700 : 350
	} else {
		hits = even(T_hits[i], h)
		model_calls = even(T_calls[i] - T_hits[i], h)
	}
	input = T_in[i]
	version = blob[id]
	if (id == "document-summarization") {
		live = month == 11 && day >= 16
		version = live ? after : before
		input += live ? 400 : 0
	}
	printf "{\"time\":\"2026-%02d-%02dT%02d:00:00Z\",\"id\":\"agency-%s-%02d-%02d-%02d\",", month, day, h, id, month, day, h
	printf "\"template\":\"%s\",\"template_version\":\"%s\",\"model\":\"%s\",", id, version, T_model[i]
	if (T_dep[i] != "")
		printf "\"deployment\":\"%s\",", T_dep[i]
	printf "\"calls\":%d,\"response_cache_hits\":%d,", model_calls + hits, hits
	printf "\"input_tokens\":%d,\"cached_input_tokens\":%d,", model_calls * input, model_calls * T_cached[i]
	printf "\"output_tokens\":%d}\n", model_calls * T_out[i]
}
