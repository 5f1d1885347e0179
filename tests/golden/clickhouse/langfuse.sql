SELECT toDate(start_time, 'UTC') AS day, toUInt8(0) AS hour,
  ifNull(prompt_name, '') AS template,
  if(isNull(prompt_version), '', toString(prompt_version)) AS version,
  '' AS team, '' AS use_case, ifNull(provided_model_name, '') AS model,
  '' AS deployment,
  count() AS records, count() AS calls, toUInt64(0) AS hits,
  sum(arraySum(mapValues(mapFilter((k, v) -> position(k, 'input') > 0, usage_details)))),
  sum(usage_details['input_cached_tokens'] + usage_details['cache_read_input_tokens'] + usage_details['input_cache_read']),
  sum(usage_details['cache_creation_input_tokens'] + usage_details['input_cache_creation'] + usage_details['cache_write_input_tokens']),
  sum(arraySum(mapValues(mapFilter((k, v) -> position(k, 'output') > 0, usage_details)))),
  countIf(isNotNull(total_cost)),
  sum(toInt64(round(ifNull(total_cost, 0) * 1000000)))
FROM `analytics`.`observations` FINAL
WHERE start_time >= toDateTime('2026-11-01 00:00:00', 'UTC') AND start_time < toDateTime('2026-12-01 00:00:00', 'UTC')
  AND type = 'GENERATION' AND is_deleted = 0
GROUP BY day, hour, template, version, team, use_case, model, deployment
WITH TOTALS
ORDER BY day, hour, template, version, team, use_case, model, deployment
FORMAT TabSeparated
