/*
 * The starter configuration `promptcost init` writes: a commented
 * `.promptcost.yml` that parses as it is (tests/test_config.c checks it).
 */
#include "promptcost/config.h"

#include <string.h>

/*
 * The starter, in two literals: C11 promises only 4,095 characters to one.
 * pc_config_starter joins them once.
 */
static const char starter_world[] =
	"# promptcost configuration, format version 1. promptcost reads it to turn a\n"
	"# prompt-template change into a projected monthly cost before it ships.\n"
	"# Numbers are read exactly as written: plain decimals like 25000 or 0.012;\n"
	"# no exponents (1e3), no digit separators (25,000), never negative.\n"
	"# Every key is described in promptcost.yml(5): man promptcost.yml\n"
	"version: 1                       # the format version: always 1\n"
	"currency: USD                    # three-letter code the prices are in\n"
	"days_per_month: 30               # turns calls per day into calls per month (1 to 31)\n"
	"\n"
	"# The models your templates call, with your provider's current prices.\n"
	"# Replace these example prices: promptcost never guesses a price.\n"
	"models:\n"
	"  gpt-4-class:\n"
	"    encoding: cl100k_base        # cl100k_base | o200k_base | approximate; optional\n"
	"                                 # when the model name is one promptcost knows (gpt-4o...)\n"
	"    input_per_1k: 0.012          # price of 1,000 input tokens (or input_per_1m: 12.00)\n"
	"    output_per_1k: 0.024         # price of 1,000 output tokens (or output_per_1m)\n"
	"    cached_input_per_1k: 0.006   # optional: the provider's prompt-cache price\n"
	"  # in-house-model:\n"
	"  #   encoding: approximate      # no public tokenizer: counts are labelled estimates\n"
	"  #   approximate_base: cl100k_base\n"
	"  #   approximate_factor: 1.1    # tokens of the base encoding times this factor\n"
	"  #   input_per_1m: 3.00\n"
	"  #   output_per_1m: 15.00\n"
	"\n"
	"# Who pays: each template is charged to a team.\n"
	"teams:\n"
	"  records-management:\n"
	"    monthly_budget: 25000        # optional; without it the team is only reported\n"
	"    limit: hard                  # hard: over budget blocks; soft: over budget only warns\n"
	"    warn_at: 80%                 # warn when spend reaches this share of the budget\n"
	"    other_monthly_spend: 12000   # spend of this team not modelled by its templates\n"
	"\n"
	"# Optional: use cases with budgets of their own (same keys as a team). When\n"
	"# this section exists, a template's use_case must name one of them.\n"
	"# use_cases:\n"
	"#   document-summarization:\n"
	"#     monthly_budget: 5000\n"
	"\n"
	"# The prompt templates: files that together form one prompt, and how often it runs.\n"
	"templates:\n"
	"  - id: document-summarization   # unique: letters, digits, '.', '_' and '-'\n"
	"    files: [prompts/summarize/system.md]   # files or globs (prompts/summarize/*.md)\n"
	"    team: records-management     # optional: a key of 'teams'\n"
	"    use_case: document-summarization   # optional label (a key of 'use_cases' when it exists)\n"
	"    model: gpt-4-class           # a key of 'models'\n"
	"    calls_per_day: 15000         # how many calls a day use this prompt\n"
	"    output_tokens_per_call: 250  # average tokens of a response (default 0)\n"
	"    cache_hit_rate: 0%           # share of calls a response cache answers (no model call)\n"
	"    cached_input_share: 0%       # share of input tokens billed at the cached price\n"
	"\n";
static const char starter_policy[] =
	"# When a change needs a release manager's approval. A template or a model\n"
	"# that only the change configures always does (its volumes or prices come\n"
	"# from the change itself), whatever it costs.\n"
	"policy:\n"
	"  cost_event:                    # a change is a cost event when it reaches either threshold\n"
	"    monthly_delta: 500           # a monthly cost increase of this amount or more, in one\n"
	"                                 # template or in all of the change's increases together\n"
	"    percent: 10                  # an increase of this percent of the template's cost or more,\n"
	"    min_monthly_delta: 50        # counted from this amount on: a small edit of a small\n"
	"                                 # template is no cost event (default 0: any amount)\n"
	"  unapproved_cost_event: block   # block | warn: what an unapproved cost event does\n"
	"  # Who may approve: an id (an e-mail, or github:LOGIN for approval by review in\n"
	"  # the GitHub Action), or {id: ..., key: \"ssh-ed25519 AAAA...\"} with the public\n"
	"  # key that signs their approvals (promptcost approve signs with it, as git\n"
	"  # signs with gpg.format=ssh); key may also be a list of keys.\n"
	"  approvers:\n"
	"    - release-manager@example.com\n"
	"    # - {id: release-manager@example.com, key: \"ssh-ed25519 AAAA... rm@laptop\"}\n"
	"  file_approvals: signed         # signed | unsigned: whether approvals.yml entries must\n"
	"                                 # be signed by a listed key to count\n";

const char *pc_config_starter(void)
{
	static char joined[sizeof(starter_world) + sizeof(starter_policy)];

	if (!joined[0]) {
		memcpy(joined, starter_world, sizeof(starter_world) - 1);
		memcpy(joined + sizeof(starter_world) - 1, starter_policy, sizeof(starter_policy));
	}
	return joined;
}
