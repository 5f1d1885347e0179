# Generates native usage records (promptcost/usage/v1, DESIGN.md) for the
# usage benchmark, deterministically (its own LCG, so mawk and gawk agree).
#
#   awk -v n=10000000 -v templates=100 -v days=30 -v format=jsonl -f gen.awk
#   awk -v n=... -v format=csv -f gen.awk          the same records as CSV
#   awk -v templates=1000 -v days=365 -v format=buckets -f gen.awk
#       one daily bucket (calls > 1, no id) per template and day: a year
#
# jsonl and csv: n records with ids req_<i>, spread over `days` days from
# 2026-01-01 in time order, templates t0000..t<templates-1>, four models, one
# record in ten on a deployment, tokens drawn at random.
function rnd(m) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % m }
function two(x) { return x < 10 ? "0" x : x }
# days since 2026-01-01 to "2026-MM-DD" (2026 is not a leap year)
function date(d,    m) {
	for (m = 1; d >= ml[m]; m++) d -= ml[m]
	return "2026-" two(m) "-" two(d + 1)
}
BEGIN {
	split("31 28 31 30 31 30 31 31 30 31 30 31", ml, " ")
	seed = 42
	if (!templates) templates = 100
	if (!days) days = 30
	split("gpt-4o gpt-4o-mini claude-sonnet-4 gpt-4o-2024-08-06", models, " ")
	if (format == "buckets") {
		for (d = 0; d < days; d++)
			for (t = 0; t < templates; t++)
				printf "{\"time\":\"%sT00:00:00Z\",\"template\":\"t%04d\",\"model\":\"%s\",\"calls\":%d,\"response_cache_hits\":%d,\"input_tokens\":%d,\"cached_input_tokens\":%d,\"output_tokens\":%d}\n", \
					date(d), t, models[t % 3 + 1], 1000 + rnd(1000), rnd(100), 1200000 + rnd(100000), rnd(50000), 250000 + rnd(10000)
		exit
	}
	if (format == "csv")
		print "time,id,template,template_version,model,deployment,calls,response_cache_hits,input_tokens,cached_input_tokens,output_tokens,cost"
	per_day = n / days
	for (i = 0; i < n; i++) {
		d = int(i / per_day)
		s = int((i - d * per_day) * 86400 / per_day)
		ts = date(d) "T" two(int(s / 3600)) ":" two(int(s / 60) % 60) ":" two(s % 60) "Z"
		t = rnd(templates)
		m = models[rnd(4) + 1]
		dep = rnd(10) == 0 ? "ptu-eastus" : ""
		input = 200 + rnd(4000)
		cached = rnd(3) == 0 ? int(input / 2) : 0
		output = 20 + rnd(600)
		hit = rnd(20) == 0
		if (hit) { input = 0; cached = 0; output = 0 }
		if (format == "csv")
			printf "%s,req_%d,t%04d,v%d,%s,%s,1,%d,%d,%d,%d,0.00%d\n", ts, i, t, t % 3, m, dep, hit, input, cached, output, rnd(9000) + 1000
		else
			printf "{\"time\":\"%s\",\"id\":\"req_%d\",\"template\":\"t%04d\",\"template_version\":\"v%d\",\"model\":\"%s\",\"deployment\":%s,\"calls\":1,\"response_cache_hits\":%d,\"input_tokens\":%d,\"cached_input_tokens\":%d,\"output_tokens\":%d,\"cost\":\"0.00%d\"}\n", \
				ts, i, t, t % 3, m, dep == "" ? "null" : "\"" dep "\"", hit, input, cached, output, rnd(9000) + 1000
	}
}
