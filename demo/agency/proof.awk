# The proof of the demo's figures, independent of promptcost's report engine:
# the rules of the spend report (issue 10; README "The spend report")
# applied by hand to the records generate.awk writes, for November 2026.
#
#   awk -v versions=... -f generate.awk | awk -f proof.awk promptcost.yml -
#
# Reads the prices, the reservation and the templates' use cases from the
# configuration, then the records (one JSON object a line, as generate.awk
# writes them: every key present, in its order). Prints one line a figure;
# tests/e2e/test_demo.sh compares them with the seed's and, once the engine
# is there, with `promptcost report --format json`.
#
# awk's numbers are doubles: every integer here stays below 2^53 (prices are
# taken per 1,000 tokens in micro-units, so a day's bucket is at most about
# 10^9 tokens x 24,000), and every product that could pass it goes through
# muldiv(), which reduces the fraction first and stops if it still would.
# Money is micro-units, rounded once per daily bucket, half away from zero
# (all the amounts are positive); percentages are rounded to a tenth.

# ---- the configuration ------------------------------------------------------
FNR == NR {
	line = $0
	sub(/[ \t]*#.*/, "", line)
	if (line ~ /^[a-z_]+:/) {
		section = line; sub(/:.*/, "", section); item = ""
		next
	}
	if (line ~ /^  [a-z0-9_-]+:/) {
		item = line; sub(/^  /, "", item); sub(/:.*/, "", item)
		if (section == "policy" && item == "cache_hit_target") target = percent(line)
		next
	}
	if (section == "templates" && line ~ /^  - id: /) {
		tpl = line; sub(/^  - id: /, "", tpl)
		ntpl++; tpl_order[ntpl] = tpl
		next
	}
	if (line !~ /^    [a-z_0-9]+: /) next
	key = line; sub(/^ +/, "", key); sub(/:.*/, "", key)
	value = line; sub(/^[^:]*: */, "", value)
	if (section == "models") {
		if (key == "input_per_1k") price_in[item] = thousandths(value, 1000000)
		if (key == "output_per_1k") price_out[item] = thousandths(value, 1000000)
		if (key == "cached_input_per_1k") price_cached[item] = thousandths(value, 1000000)
		if (key == "input_per_1m") price_in[item] = thousandths(value, 1000)
		if (key == "output_per_1m") price_out[item] = thousandths(value, 1000)
		if (key == "cached_input_per_1m") price_cached[item] = thousandths(value, 1000)
	}
	if (section == "reservations") {
		res_id = item
		if (key == "model") res_model = value
		if (key == "units") res_units = value + 0
		if (key == "unit_price_per_hour") res_price = thousandths(value, 1000000)
		if (key == "tokens_per_minute_per_unit") res_tpm = value + 0
		if (key == "output_token_weight") res_ow = value + 0
		if (key == "cached_token_weight") res_cw = value + 0
	}
	if (section == "templates" && key == "use_case") use_case[tpl] = value
	if (section == "templates" && key == "team") team[tpl] = value
	next
}

# ---- the records --------------------------------------------------------------
{
	time = field("time"); t = field("template"); v = field("template_version")
	model = field("model"); dep = $0 ~ /"deployment":/ ? field("deployment") : ""
	day = daynum(time); hour = day * 24 + substr(time, 12, 2)
	if (!(t in use_case)) fail("template " t " is not in the configuration")
	if (!(model in price_in)) fail("unknown model " model)
	k = day SUBSEP t SUBSEP v SUBSEP model SUBSEP dep
	if (!(k in b_calls)) { nb++; bucket[nb] = k }
	b_calls[k] += field("calls"); b_hits[k] += field("response_cache_hits")
	b_in[k] += field("input_tokens"); b_cached[k] += field("cached_input_tokens")
	b_out[k] += field("output_tokens")
	if (dep != "")
		h_eq[hour] += field("input_tokens") - field("cached_input_tokens") + \
			field("output_tokens") * res_ow + field("cached_input_tokens") * res_cw
	if (!(t in first_day) || day < first_day[t]) first_day[t] = day
	if (t == "document-summarization" && (!(v in v_first) || day < v_first[v])) v_first[v] = day
}

END {
	if (failed) exit 2
	since = daynum("2026-11-01"); until = daynum("2026-11-30")
	ndays = until - since + 1; hours = ndays * 24
	capacity = res_units * res_tpm * 60
	commitment = res_units * res_price * hours
	day_commitment = res_units * res_price * 24

	# the reservation, hour by hour: within capacity, spilled, peak
	for (h = since * 24; h < (until + 1) * 24; h++) {
		within = h_eq[h] < capacity ? h_eq[h] : capacity
		consumed += within; spilled += h_eq[h] - within
		if (within > peak) peak = within
	}
	if (spilled) fail("the generated traffic spills over; this proof does not price spill-over")

	# daily buckets priced (on demand), reservation traffic at its list price
	for (i = 1; i <= nb; i++) {
		k = bucket[i]; split(k, p, SUBSEP)
		day = p[1]; t = p[2]; model = p[4]; dep = p[5]
		cost = bucket_cost(k, model)
		calls_day[t, day] += b_calls[k] - b_hits[k]
		if (dep != "") {
			eq = b_in[k] - b_cached[k] + b_out[k] * res_ow + b_cached[k] * res_cw
			eq_day[t, day] += eq; eq_all_day[day] += eq
			if (day >= since && day <= until) { eq_t[t] += eq; list += cost }
		} else {
			cost_day[t, day] += cost
			if (day >= since && day <= until) on_demand[t] += cost
		}
		if (day >= since && day <= until) { calls[t] += b_calls[k]; hits[t] += b_hits[k] }
	}

	# use cases: on demand + the commitment shown back by equivalents (largest remainder)
	for (i = 1; i <= ntpl; i++) {
		t = tpl_order[i]; u = use_case[t]
		uc_cost[u] += on_demand[t]; uc_calls[u] += calls[t]; uc_eq[u] += eq_t[t]
		total_on_demand += on_demand[t]; all_calls += calls[t]; all_hits += hits[t]
		team_cost[team[t]] += on_demand[t]; team_eq[team[t]] += eq_t[t]
	}
	largest_remainder(uc_eq, uc_share, commitment)
	largest_remainder(team_eq, team_share, commitment)
	total = total_on_demand + commitment
	for (u in uc_cost) {
		uc_cost[u] += uc_share[u]
		if (uc_calls[u] > 0) active++
		if (top == "" || uc_cost[u] > uc_cost[top] || (uc_cost[u] == uc_cost[top] && u < top)) top = u
	}

	print "total " money(total)
	print "on_demand " money(total_on_demand)
	print "commitment " money(commitment)
	print "active_use_cases " active
	print "top_use_case " top " " money(uc_cost[top]) " " pct(uc_cost[top], total)
	print "calls " all_calls " hits " all_hits
	print "cache_hit_rate " pct(all_hits, all_calls) " target " target
	print "reservation " res_id " utilization " pct(consumed, capacity * hours) \
		" peak " pct(peak, capacity) " idle " money(commitment - muldiv(commitment, consumed, capacity * hours)) \
		" spilled " spilled " on_demand_equivalent " money(list)
	n = 0
	for (u in uc_cost) sorted[++n] = u
	sort_by_cost(sorted, n)
	for (i = 1; i <= n; i++)
		print "use_case " sorted[i] " " money(uc_cost[sorted[i]]) " " pct(uc_cost[sorted[i]], total)
	n = 0
	for (x in team_cost) names[++n] = x
	for (i = 1; i <= n; i++)        # by name
		for (j = i + 1; j <= n; j++)
			if (names[j] < names[i]) { x = names[i]; names[i] = names[j]; names[j] = x }
	for (i = 1; i <= n; i++) team_list = team_list " " names[i] "=" money(team_cost[names[i]] + team_share[names[i]])
	print "teams" team_list

	# spikes: a template's day against the mean of the up to 7 days before it
	# (those on or after its first day; at least 3); its cost is on demand +
	# the day's commitment by its equivalents that day
	for (i = 1; i <= ntpl; i++) {
		t = tpl_order[i]; was = 0
		for (d = since; d <= until; d++) {
			sum = 0; sumcalls = 0; nbase = 0
			for (j = d - 7; j < d; j++)
				if (j >= first_day[t]) { sum += tcost(t, j); sumcalls += calls_day[t, j]; nbase++ }
			if (nbase < 3) { was = 0; continue }
			c = tcost(t, d)
			spike = 10 * c * nbase >= 12 * sum && c * nbase - sum >= 1000000 * nbase
			if (spike && !was) {
				cause = muldiv(100 * c, sumcalls, 1) >= muldiv(105 * sum, calls_day[t, d], 1) ? "prompt" : "volume"
				print "spike " t " " dayname(d) " " money(c) " " money(rdiv(sum, nbase)) " " cause
			}
			was = spike
		}
	}

	# forecast against actual: the version of document-summarization first
	# recorded in the period after another one was
	t = "document-summarization"
	for (v in v_first) if (v_first[v] >= since && v_first[v] > first_day[t]) live = v_first[v]
	if (!live) fail("no change of " t " went live in the period")
	from = live - 30 > first_day[t] ? live - 30 : first_day[t]
	for (d = from; d < live; d++) {
		model_calls += calls_day[t, d]; before += cost_day[t, d]
	}
	nbefore = live - from
	for (d = live; d <= until; d++) after += cost_day[t, d]
	nafter = until - live + 1
	# check's projection: +400 tokens a model call, the window's model calls a
	# day, days_per_month 30, the template's input price
	projected = rdiv(400 * model_calls * 30 * price_in["gpt-4-class"], nbefore * 1000)
	observed = rdiv((after * nbefore - before * nafter) * 30, nbefore * nafter)
	print "forecast " t " live " dayname(live) " window " nbefore " days, " \
		rdiv(model_calls, nbefore) " model calls a day; projected " money(projected) \
		" observed " money(observed) " (" money(rdiv(before, nbefore)) " then " \
		money(rdiv(after, nafter)) " a day) error " pct(observed - projected, projected)
}

# a bucket's cost: uncached input, cached input (at the input price when the
# model has no cached price), output; prices per 1,000 tokens
function bucket_cost(k, model,    cached_price, sum) {
	cached_price = model in price_cached ? price_cached[model] : price_in[model]
	sum = (b_in[k] - b_cached[k]) * price_in[model] + b_cached[k] * cached_price + b_out[k] * price_out[model]
	if (sum >= 2 ^ 53) fail("a bucket's cost is too large for this proof")
	return rdiv(sum, 1000)
}

function tcost(t, d) {
	if (!eq_day[t, d]) return cost_day[t, d]
	return cost_day[t, d] + muldiv(day_commitment, eq_day[t, d], eq_all_day[d])
}

function largest_remainder(weight, share, amount,    x, w, given, n, i, j, key, rem, tmp) {
	w = 0; given = 0; n = 0
	for (x in weight) w += weight[x]
	for (x in weight) {
		share[x] = int(muldiv_floor(amount, weight[x], w))
		rem[x] = muldiv_exact_rem(amount, weight[x], w)
		given += share[x]; key[++n] = x
	}
	for (i = 1; i <= n; i++)        # by remainder, descending, then name
		for (j = i + 1; j <= n; j++)
			if (rem[key[j]] > rem[key[i]] || (rem[key[j]] == rem[key[i]] && key[j] < key[i])) {
				tmp = key[i]; key[i] = key[j]; key[j] = tmp
			}
	for (i = 1; given < amount; i++) { share[key[i]]++; given++ }
}

function gcd(a, b,    r) { while (b) { r = a % b; a = b; b = r }; return a }

# a x b / c reduced first: exact when the reduced product stays below 2^53
function reduce(a, b, c,    g) {
	g = gcd(b, c); b /= g; c /= g
	g = gcd(a, c); a /= g; c /= g
	if (a * b >= 2 ^ 53) fail("a product is too large for this proof")
	R_num = a * b; R_den = c
}
function muldiv_floor(a, b, c) { reduce(a, b, c); return (R_num - R_num % R_den) / R_den }
function muldiv_exact_rem(a, b, c) { reduce(a, b, c); return (R_num % R_den) / R_den }
function muldiv(a, b, c) { reduce(a, b, c); return rdiv(R_num, R_den) }

# n / d rounded half away from zero (n >= 0 or n < 0, d > 0)
function rdiv(n, d,    q, r) {
	if (n < 0) return -rdiv(-n, d)
	r = n % d; q = (n - r) / d
	return 2 * r >= d ? q + 1 : q
}
function pct(num, den,    sign, v) {
	if (den < 0) { num = -num; den = -den }
	sign = num < 0 ? "-" : ""
	v = muldiv(num < 0 ? -num : num, 1000, den)
	return sign int(v / 10) "." v % 10
}
function money(m,    c) {
	c = rdiv(m, 10000)
	return sprintf("%d.%02d", int(c / 100), c % 100)
}
# "0.012" (a price per 1k tokens) x scale, as an integer: the decimal read as text
function thousandths(text, scale,    whole, frac, n) {
	whole = text; frac = ""
	if (index(text, ".")) { whole = substr(text, 1, index(text, ".") - 1); frac = substr(text, index(text, ".") + 1) }
	n = length(frac)
	return rdiv((whole * 10 ^ n + frac) * scale, 10 ^ n)
}
function percent(text) { sub(/.*: */, "", text); sub(/%/, "", text); return sprintf("%.1f", text) }
function field(name,    s) {
	s = $0
	if (!match(s, "\"" name "\":(\"[^\"]*\"|[0-9]+)")) fail("no " name " in line " NR)
	s = substr(s, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
	gsub(/"/, "", s)
	return s
}
# days of October and November 2026 numbered from 2026-10-01 = 1 (the data's months)
function daynum(s,    m, d) {
	m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
	if (substr(s, 1, 4) != "2026" || (m != 10 && m != 11)) fail("a date outside October and November 2026: " s)
	return m == 10 ? d : 31 + d
}
function dayname(n) { return n <= 31 ? sprintf("2026-10-%02d", n) : sprintf("2026-11-%02d", n - 31) }
function sort_by_cost(a, n,    i, j, tmp) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (uc_cost[a[j]] > uc_cost[a[i]] || (uc_cost[a[j]] == uc_cost[a[i]] && a[j] < a[i])) {
				tmp = a[i]; a[i] = a[j]; a[j] = tmp
			}
}
function fail(message) { print "proof.awk: " message > "/dev/stderr"; failed = 1; exit 2 }
