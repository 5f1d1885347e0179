# The synthetic repository of the `check` benchmark, as one `git fast-import`
# stream on stdout (run with LC_ALL=C so that length() counts bytes). Every
# file's text is generated from a seeded random source, so the same settings
# give the same repository. Settings (awk -v):
#   layout      files: one file per template; globs: 4 files per template,
#               named by one glob (prompts/TEAM/ID/*.md)
#   nfiles      template files (1000)
#   nother      other files, code-like (1000)
#   ncommits    commits in all (2000), nchanged templates changed on the
#   nchanged    branch under review (50), by about 2 KB each, over
#   nfeature    that branch's commits (10); main moves on by as many after
#               the fork, so that `REV...HEAD` needs the merge base
#   seed        the random seed (1)
# Branches: main, and feature (checked out by run.sh) forked from main.

BEGIN {
	if (layout == "") layout = "files"
	if (nfiles == "") nfiles = 1000
	if (nother == "") nother = 1000
	if (ncommits == "") ncommits = 2000
	if (nchanged == "") nchanged = 50
	if (nfeature == "") nfeature = 10
	if (seed == "") seed = 1
	srand(seed)
	words()
	per = (layout == "globs") ? 4 : 1
	ntemplates = int(nfiles / per)
	split("system instructions examples output-format", parts, " ")
	nteams = split("records-management benefits-processing procurement citizen-services " \
		"legal-review hr-operations fraud-detection translation-services", teams, " ")
	nuses = split("document-summarization case-triage eligibility-check contract-review " \
		"foia-redaction policy-qa email-drafting form-extraction translation " \
		"complaint-routing invoice-matching claim-review meeting-minutes " \
		"records-retention vendor-screening chat-assistant search-answers " \
		"code-review incident-report grant-scoring", uses, " ")

	# the files, each kept as paragraphs so that a commit can rewrite one
	nf = 0
	for (t = 1; t <= ntemplates; t++) {
		team[t] = teams[(t - 1) % nteams + 1]
		use[t] = uses[(t - 1) % nuses + 1]
		tid[t] = sprintf("%s-%04d", use[t], t)
		for (k = 1; k <= per; k++) {
			nf++
			if (per == 1)
				path[nf] = sprintf("prompts/%s/%s.md", team[t], tid[t])
			else
				path[nf] = sprintf("prompts/%s/%s/%s.md", team[t], tid[t], parts[k])
			tfile[t, k] = nf
			prompt_file(nf, 2000)
		}
	}
	ntemplate_files = nf
	for (i = 1; i <= nother; i++) {
		nf++
		path[nf] = sprintf("src/%s/%s_%03d.py", pkgname((i - 1) % 25), w[int(rand() * nw) + 1], i)
		code_file(nf)
	}

	# commit 1: everything, with the configuration
	ts = 1735689600 # 2025-01-01
	mark = 0
	printf "reset refs/heads/main\n"
	begin_commit("main", "Import the prompt library")
	emit_text(".promptcost.yml", config())
	for (i = 1; i <= nf; i++)
		emit(i)
	fork = ncommits - 2 * nfeature
	# main's history: each commit rewrites a paragraph or two in one to three files
	for (c = 2; c <= ncommits - nfeature; c++) {
		n = 1 + int(rand() * 3)
		for (j = 1; j <= n; j++) {
			# after the fork, main only touches code: the branch's
			# files then hold the fork's text, which it changes
			if (c <= fork && rand() < 0.6)
				f = 1 + int(rand() * ntemplate_files)
			else
				f = ntemplate_files + 1 + int(rand() * nother)
			touched[j] = f
			rewrite(f)
		}
		begin_commit("main", "Reword " path[touched[1]])
		for (j = 1; j <= n; j++)
			emit(touched[j])
		if (c == fork)
			fork_mark = mark
	}
	# the branch under review, from the fork: nchanged templates, about 2 KB each;
	# main's last nfeature commits (after the fork) are not part of it
	printf "reset refs/heads/feature\nfrom :%d\n\n", fork_mark
	per_commit = int((nchanged + nfeature - 1) / nfeature)
	t = 0
	for (c = 1; c <= nfeature; c++) {
		n = 0
		for (j = 1; j <= per_commit && t < nchanged; j++) {
			t++
			# spread over the library, its teams and use cases (7919 is prime)
			tt = 1 + ((t - 1) * 7919) % ntemplates
			f = tfile[tt, 1 + (t - 1) % per]
			grow(f)
			n++
			touched[n] = f
		}
		if (!n)
			break
		begin_commit("feature", "Give more context to " n " prompts")
		for (j = 1; j <= n; j++)
			emit(touched[j])
	}
}

function begin_commit(branch, msg) {
	mark++
	ts += 3600
	printf "commit refs/heads/%s\nmark :%d\n", branch, mark
	printf "author Bench Author <author@example.com> %d +0000\n", ts
	printf "committer Bench Committer <committer@example.com> %d +0000\n", ts
	printf "data %d\n%s\n", length(msg), msg
}

function emit(f,    s, k) {
	s = P[f, 1]
	for (k = 2; k <= NP[f]; k++)
		s = s "\n\n" P[f, k]
	emit_text(path[f], s "\n")
}

function emit_text(p, s) {
	printf "M 100644 inline %s\ndata %d\n%s\n", p, length(s), s
}

# ---- text ----

function words(    s) {
	s = "the a each every any this that user citizen applicant caseworker reviewer agency " \
	    "department office record document request form claim case invoice contract " \
	    "policy regulation statute notice letter email report summary answer response " \
	    "deadline date amount name address section paragraph clause table appendix " \
	    "summarize extract classify cite verify compare list explain translate redact " \
	    "route flag escalate draft rewrite check confirm identify quote include omit " \
	    "clearly briefly exactly politely neutrally carefully only never always first " \
	    "relevant personal sensitive confidential public internal external federal state " \
	    "local retention eligibility benefit payment vendor procurement complaint " \
	    "language tone format bullet heading paragraph sentence word token limit " \
	    "evidence source reference citation page version revision approval signature " \
	    "schedule category priority status outcome reason risk exception error " \
	    "plain formal concise accurate complete consistent professional respectful"
	nw = split(s, w, " ")
	nroles = split("records analyst|benefits caseworker|contracting officer|" \
		"customer service agent|legal assistant|human resources specialist|" \
		"fraud investigator|certified translator|privacy officer|program manager", roles, "|")
	nopen = split("Always|Never|When the user asks about|If the document mentions|" \
		"Before you answer,|Make sure to|Do not|Where possible,|For each item,|" \
		"Unless told otherwise,|After reading the input,|In your reply,", openers, "|")
	nqual = split("in plain language|in no more than three sentences|as a numbered list|" \
		"with the page number of each source|using the agency style guide|" \
		"without legal advice|at an eighth-grade reading level|in the requester’s language|" \
		"and mark anything uncertain as [UNVERIFIED]|with dates in ISO 8601 (YYYY-MM-DD)|" \
		"— and nothing else —|exactly as written in the record", quals, "|")
	nvars = split("{{document}}|{{user_question}}|{{case_id}}|{{applicant_name}}|" \
		"{{retrieved_passages}}|{{policy_excerpt}}|{{language}}|{{today}}|{{form_fields}}",
		vars, "|")
}

function pick(n) { return 1 + int(rand() * n) }

function cap(s) { return toupper(substr(s, 1, 1)) substr(s, 2) }

function phrase(n,    s, i) {
	s = w[pick(nw)]
	for (i = 2; i <= n; i++)
		s = s " " w[pick(nw)]
	return s
}

function sentence(    s, r) {
	r = rand()
	if (r < 0.35)
		s = openers[pick(nopen)] " " w[pick(nw)] " " phrase(3 + pick(6)) " " quals[pick(nqual)] "."
	else if (r < 0.55)
		s = "You are a " roles[pick(nroles)] " helping with " phrase(2 + pick(4)) "."
	else if (r < 0.7)
		s = "Use " vars[pick(nvars)] " to " phrase(3 + pick(5)) ", citing § " pick(40) "." pick(99) "."
	else if (r < 0.8)
		s = "The " phrase(2) " for FY" (2020 + pick(7)) " is $" pick(900) "," sprintf("%03d", pick(999)) \
		    " (" pick(60) "% of " phrase(2) ")."
	else
		s = cap(phrase(6 + pick(10))) "."
	return s
}

# A paragraph of about n bytes: prose, a bullet list, a heading, an example or a schema.
function paragraph(n,    r, s, i) {
	r = rand()
	if (r < 0.1) {
		s = "## " cap(phrase(2 + pick(3)))
	} else if (r < 0.3) {
		s = "- " sentence()
		while (length(s) < n)
			s = s "\n- " sentence()
	} else if (r < 0.38) {
		s = "Example input:\n" vars[pick(nvars)] "\n\nExample output:\n" sentence() " " sentence()
	} else if (r < 0.44) {
		s = "Reply with JSON only:\n```json\n{\"" w[pick(nw)] "\": \"<" phrase(2) ">\", \"" \
		    w[pick(nw)] "\": [" pick(9) ", " pick(99) "], \"confidence\": 0." pick(99) "}\n```"
	} else {
		s = sentence()
		while (length(s) < n)
			s = s " " sentence()
	}
	return s
}

function prompt_file(f, size,    n) {
	NP[f] = 0
	for (n = 0; n < size;) {
		NP[f]++
		P[f, NP[f]] = paragraph(150 + int(rand() * 250))
		n += length(P[f, NP[f]]) + 2
	}
}

function pkgname(i) {
	return sprintf("%s_%s", w[1 + (i * 7) % nw], w[1 + (i * 13 + 5) % nw])
}

function code_file(f,    k, fn) {
	NP[f] = 1
	P[f, 1] = "\"\"\"" sentence() "\"\"\"\nimport json\nimport logging\n\nlog = logging.getLogger(__name__)"
	for (k = 2; k <= 6; k++) {
		fn = w[pick(nw)] "_" w[pick(nw)]
		NP[f] = k
		P[f, k] = "def " fn "(" w[pick(nw)] ", " w[pick(nw)] "=None):\n" \
			"    \"\"\"" sentence() "\"\"\"\n" \
			"    if " w[pick(nw)] " is None:\n        return []\n" \
			"    log.debug(\"" phrase(4) " %s\", " w[pick(nw)] ")\n" \
			"    return [x for x in " w[pick(nw)] " if x.get(\"" w[pick(nw)] "\")]"
	}
}

# A small edit, as most commits make: one paragraph written anew.
function rewrite(f,    k) {
	k = pick(NP[f])
	if (f <= ntemplate_files)
		P[f, k] = paragraph(150 + int(rand() * 250))
	else if (k > 1)
		P[f, k] = "def " w[pick(nw)] "_" w[pick(nw)] "(" w[pick(nw)] "):\n" \
			"    \"\"\"" sentence() "\"\"\"\n    return " w[pick(nw)]
}

# The change under review: about 2 KB of new context in the middle of a file,
# and one of its paragraphs reworded.
function grow(f,    k, add, mid, n) {
	P[f, pick(NP[f])] = paragraph(150 + int(rand() * 250))
	mid = int(NP[f] / 2) + 1
	n = 0
	for (add = 0; add < 1800; ) {
		n++
		extra[n] = paragraph(150 + int(rand() * 250))
		add += length(extra[n]) + 2
	}
	for (k = NP[f]; k >= mid; k--)
		P[f, k + n] = P[f, k]
	for (k = 1; k <= n; k++)
		P[f, mid + k - 1] = extra[k]
	NP[f] += n
}

# ---- the configuration ----

function config(    s, t, i, m) {
	s = "# The check benchmark's configuration: " ntemplates " templates, " nteams " teams, " \
	    nuses " use cases.\nversion: 1\ncurrency: USD\ndays_per_month: 30\n\nmodels:\n" \
	    "  gpt-4-class:\n    encoding: cl100k_base\n    input_per_1k: 0.012\n" \
	    "    output_per_1k: 0.024\n    cached_input_per_1k: 0.006\n" \
	    "  gpt-4o-class:\n    encoding: o200k_base\n    input_per_1m: 2.50\n    output_per_1m: 10.00\n" \
	    "  in-house-model:\n    encoding: approximate\n    approximate_base: cl100k_base\n" \
	    "    approximate_factor: 1.1\n    input_per_1m: 3.00\n    output_per_1m: 15.00\n\nteams:\n"
	for (i = 1; i <= nteams; i++)
		s = s "  " teams[i] ":\n    monthly_budget: " (300000 + 20000 * i) "\n    limit: " \
		    (i % 2 ? "hard" : "soft") "\n    warn_at: 80%\n    other_monthly_spend: " (1000 * i) "\n"
	s = s "\nuse_cases:\n"
	for (i = 1; i <= nuses; i++)
		s = s "  " uses[i] ":\n" (i % 3 ? "" : "    monthly_budget: 150000\n    limit: soft\n")
	s = s "\ntemplates:\n"
	m[0] = "gpt-4-class"; m[1] = "gpt-4o-class"; m[2] = "in-house-model"
	for (t = 1; t <= ntemplates; t++) {
		s = s "  - id: " tid[t] "\n    files: ["
		if (per == 1)
			s = s path[tfile[t, 1]]
		else
			s = s "prompts/" team[t] "/" tid[t] "/*.md"
		s = s "]\n    team: " team[t] "\n    use_case: " use[t] "\n    model: " m[t % 3] \
		    "\n    calls_per_day: " (100 * (1 + (t * 37) % 200)) \
		    "\n    output_tokens_per_call: " (50 * (1 + t % 10)) "\n"
		if (t % 4 == 0)
			s = s "    cache_hit_rate: " (t % 40) "%\n"
		if (t % 3 == 0 && t % 5 == 0) # gpt-4-class: the model with a cached price
			s = s "    cached_input_share: 50%\n"
	}
	s = s "\npolicy:\n  cost_event:\n    monthly_delta: 500\n    percent: 10\n" \
	    "  unapproved_cost_event: block\n" \
	    "  approvers: [release-manager@agency.gov, \"github:octo-release\"]\n"
	return s
}
