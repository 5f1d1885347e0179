# The commits of fabric.sh's repository, as a `git fast-import` stream (the
# blobs, marked :1.. in the order of idsfile, come before it). Input: lines
# "STATE PATH BLOB" of every state's files. See fabric.sh.

function folder_of(p) { sub(/^data\//, "", p); split(p, parts, "/"); return parts[2] }
function rest_of(p,    r) { sub(/^data\//, "", p); r = p; sub(/^patterns\/[^\/]*\//, "", r); return r }

function data(text) { printf "data %d\n%s\n", length(text), text }

function begin_commit(branch, message, from) {
	ncommit++
	printf "commit refs/heads/%s\n", branch
	printf "committer Bench <bench@example.com> %d +0000\n", 1700000000 + 60 * ncommit
	data(message)
	if (from != "")
		printf "from %s\n", from
}

BEGIN {
	while ((getline id < idsfile) > 0)
		mark[id] = ++nids
	while ((getline s < subjectsfile) > 0)
		subject[nsub++] = s
}

{
	state = $1; path = $2; blob = $3
	nf[state]++
	fpath[state, nf[state]] = path
	fblob[state, nf[state]] = blob
	f = folder_of(path)
	if (!(f in seen)) { seen[f] = 1; folders[++nfolders] = f }
	if (state == fork - 1 && rest_of(path) == "system.md")
		at_fork[f] = 1
}

END {
	# commit 1: the configuration and the code-like files
	cfg = "version: 1\ncurrency: USD\ndays_per_month: 30\nmodels:\n" \
		"  gpt-4o:\n    encoding: o200k_base\n    input_per_1m: 2.50\n    output_per_1m: 10\n" \
		"  gpt-4-class:\n    encoding: cl100k_base\n    input_per_1k: 0.01\n    output_per_1k: 0.03\n" \
		"templates:\n"
	nt = 0
	for (k = 0; k < copies; k++)
		for (i = 1; i <= nfolders; i++) {
			if (!(folders[i] in at_fork))
				continue
			nt++
			cfg = cfg sprintf("  - id: %s-%d\n    files: [patterns/%s-%d/system.md]\n" \
				"    model: %s\n    calls_per_day: %d\n    output_tokens_per_call: %d\n",
				folders[i], k, folders[i], k, nt % 3 ? "gpt-4o" : "gpt-4-class",
				100 + (nt * 37) % 5000, 50 + (nt * 11) % 400)
		}
	begin_commit("main", "Import: configuration and code", "")
	print "M 100644 inline .promptcost.yml"
	data(cfg)
	for (i = 1; i <= nother; i++) {
		text = ""
		for (l = 1; l <= 30; l++)
			text = text sprintf("func f%d_%d(x int) int { return x*%d + %d } // line %d\n", i, l, i, l, l)
		printf "M 100644 inline %s/%s_%04d.go\n", (i % 2 ? "internal/core" : "web/src"),
			"file", i
		data(text)
	}
	# each state, one commit per group of copies
	for (s = 0; s < nstates; s++)
		for (g = 0; g < groups; g++) {
			branch = s < fork ? "main" : "feature"
			from = (s == fork && g == 0) ? "refs/heads/main" : ""
			begin_commit(branch, subject[s] " (copies " g " mod " groups ")", from)
			for (k = g; k < copies; k += groups) {
				for (i = 1; i <= nfolders; i++)
					printf "D patterns/%s-%d\n", folders[i], k
				for (j = 1; j <= nf[s]; j++)
					printf "M 100644 :%d patterns/%s-%d/%s\n", mark[fblob[s, j]],
						folder_of(fpath[s, j]), k, rest_of(fpath[s, j])
			}
		}
}
