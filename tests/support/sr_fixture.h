/*
 * A spend report built by hand (struct pc_spend_report, spend_report.h) for
 * the renderers' tests: a small agency over two days, every figure worked out
 * in sr_fixture.c's comments and consistent with every other (the charges'
 * effective costs sum to the total, use cases to teams, versions to templates),
 * so that a renderer can be tested without the engine, the store or a
 * repository. The API is stable: the html and render tests share it.
 */
#ifndef PROMPTCOST_TESTS_SR_FIXTURE_H
#define PROMPTCOST_TESTS_SR_FIXTURE_H

#include "promptcost/spend_report.h"

/*
 * The agency, 2026-11-01..2026-11-02 (USD, days_per_month 30): total
 * $133.15 (on demand $73.15 + commitments $60.00); teams legal, marketing,
 * support; use cases document-summarization, contract-review, campaign-copy,
 * ticket-triage and faq-bot (no calls); templates summarize/document (two
 * versions, the second live on 11-02), contract-review/clauses (on the
 * reservation ptu-east, with spill-over), campaign/headline, triage/classify
 * (records with no version), faq/answer (no calls) and the unattributed
 * records; a spike by version (summarize/document, with its commit) and one
 * by volume (campaign/headline), one forecast, two reservations (ptu-east 75%
 * used with spill-over, ptu-west idle all period), 20 charges, a -3.0% drift.
 * Free it with sr_fixture_free().
 */
struct pc_spend_report *sr_fixture_new(void);

/*
 * The same period with no records at all: total $0.00, no use case active,
 * every ratio n/a, no templates, reservations, spikes, forecasts or charges;
 * the configured teams and use cases are still listed (budgets, no spend).
 */
struct pc_spend_report *sr_fixture_empty(void);

/* Frees a report made by sr_fixture_new or sr_fixture_empty (NULL is fine). */
void sr_fixture_free(struct pc_spend_report *report);

/* The fixture's commit ids (40 hex digits), for tests that look for them. */
#define SR_FIXTURE_COMMIT_V1 "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
#define SR_FIXTURE_COMMIT_V2 "b7e4c2a91d3f5068e2a7c9b1d4f60382a5e1c7d9"
#define SR_FIXTURE_COMMIT_V3 "c0ffee0123456789abcdef0123456789abcdef01"
#define SR_FIXTURE_COMMIT_V7 "d00dfeed98765432100123456789abcdef012345"

#endif
