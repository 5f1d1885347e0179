/*
 * The cost stage: tokens, call volumes and prices into money per month and
 * per day, exactly. Products are formed in 128 bits and divided once, so the
 * only rounding is the final one, half away from zero.
 */
#include "promptcost/cost.h"

#include "promptcost/money.h"

/* num / den rounded half away from zero, both in 128 bits; den > 0. */
static pc_int128 div_round(pc_int128 num, pc_int128 den)
{
	pc_int128 q = num / den, r = num % den;

	if (r < 0)
		r = -r;
	if (r >= den - r)
		q += num < 0 ? -1 : 1;
	return q;
}

/* *acc *= factor in 128 bits; false on overflow. */
static bool mul(pc_int128 *acc, pc_int128 factor)
{
	return !__builtin_mul_overflow(*acc, factor, acc);
}

/*
 * quantity * calls_per_day * (1e6 - cache_hit_ppm) * days * price_millionths
 * / 1e18: the three millionths are the cache share, the price share and
 * "per million tokens".
 */
static int month_part(pc_int128 *out, int64_t quantity, const struct pc_template_config *volume,
		      int64_t days, pc_int128 price_millionths)
{
	pc_int128 acc = quantity;

	if (!mul(&acc, volume->calls_per_day) || !mul(&acc, PC_PPM - volume->cache_hit_ppm) ||
	    !mul(&acc, days) || !mul(&acc, price_millionths))
		return pc_error_set(PC_EINTERNAL,
			"the cost of template '%s' is too large to compute", volume->id);
	*out = div_round(acc, (pc_int128)1000000 * 1000000 * 1000000);
	return 0;
}

int pc_cost_compute(int64_t *out, const struct pc_model *model,
		    const struct pc_template_config *volume, int64_t tokens, int64_t days)
{
	int64_t cached_price = model->has_cached_input_price ? model->cached_input_micros_per_mtok
							     : model->input_micros_per_mtok;
	/* per million tokens, in millionths: the cached share at the cached price */
	pc_int128 input_price = (pc_int128)(PC_PPM - volume->cached_input_ppm) *
				model->input_micros_per_mtok +
				(pc_int128)volume->cached_input_ppm * cached_price;
	pc_int128 output_price = (pc_int128)PC_PPM * model->output_micros_per_mtok;
	pc_int128 input, output;
	int error;

	if ((error = month_part(&input, tokens, volume, days, input_price)) < 0 ||
	    (error = month_part(&output, volume->output_tokens_per_call, volume, days,
				output_price)) < 0)
		return error;
	if (input + output > (pc_int128)INT64_MAX)
		return pc_error_set(PC_EINTERNAL,
			"the cost of template '%s' is too large to represent", volume->id);
	*out = (int64_t)(input + output);
	return 0;
}

static int side_cost(struct pc_template_side *side, const struct pc_template_config *volume,
		     int64_t days)
{
	int error;

	if (!side->present) {
		side->cost_micros = side->cost_per_day_micros = 0;
		return 0;
	}
	if ((error = pc_cost_compute(&side->cost_micros, side->model, volume, side->tokens,
				     days)) < 0)
		return error;
	return pc_cost_compute(&side->cost_per_day_micros, side->model, volume, side->tokens, 1);
}

int pc_cost_report(struct pc_report *report)
{
	int64_t days = report->config->days_per_month;
	int error;

	report->monthly_delta_micros = report->daily_delta_micros = 0;
	for (size_t i = 0; i < report->ntemplates; i++) {
		struct pc_template_report *t = &report->templates[i];

		if ((error = side_cost(&t->before, t->volume, days)) < 0 ||
		    (error = side_cost(&t->after, t->volume, days)) < 0)
			return error;
		t->monthly_delta_micros = t->after.cost_micros - t->before.cost_micros;
		t->daily_delta_micros = t->after.cost_per_day_micros - t->before.cost_per_day_micros;
		if (__builtin_add_overflow(report->monthly_delta_micros, t->monthly_delta_micros,
					   &report->monthly_delta_micros) ||
		    __builtin_add_overflow(report->daily_delta_micros, t->daily_delta_micros,
					   &report->daily_delta_micros))
			return pc_error_set(PC_EINTERNAL, "the total monthly delta is too large");
	}
	return 0;
}
