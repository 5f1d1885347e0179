/* TEMPORARY until usage-native (input.c) is merged: the emit without its checks. */
#include "../../src/usage/usage_int.h"
int pc_usage_emit_record(struct pc_usage_emit *emit, const struct pc_usage_record *record)
{
	return emit->handler->record(emit->handler->ctx, record, emit->line);
}
