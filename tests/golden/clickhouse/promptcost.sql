SELECT toDate(time, 'UTC') AS day,
  if(deployment = '', 0, toHour(time, 'UTC')) AS hour,
  template, template_version AS version, team, use_case, model, deployment,
  sum(records), sum(calls), sum(response_cache_hits), sum(input_tokens),
  sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens),
  sum(cost_records), sum(cost_micros)
FROM `analytics`.`promptcost_usage`
WHERE time >= toDateTime('2026-11-01 00:00:00', 'UTC') AND time < toDateTime('2026-12-01 00:00:00', 'UTC')
GROUP BY day, hour, template, version, team, use_case, model, deployment
WITH TOTALS
ORDER BY day, hour, template, version, team, use_case, model, deployment
FORMAT TabSeparated
