SELECT toDate(request_created_at, 'UTC') AS day, toUInt8(0) AS hour,
  prompt_id AS template, prompt_version AS version,
  '' AS team, '' AS use_case, toString(model) AS model, '' AS deployment,
  count() AS records, count() AS calls,
  countIf(cache_reference_id != toUUID('00000000-0000-0000-0000-000000000000')) AS hits,
  sumIf(ifNull(prompt_tokens, 0) + prompt_cache_read_tokens + prompt_cache_write_tokens, cache_reference_id = toUUID('00000000-0000-0000-0000-000000000000')),
  sumIf(prompt_cache_read_tokens, cache_reference_id = toUUID('00000000-0000-0000-0000-000000000000')),
  sumIf(prompt_cache_write_tokens, cache_reference_id = toUUID('00000000-0000-0000-0000-000000000000')),
  sumIf(ifNull(completion_tokens, 0), cache_reference_id = toUUID('00000000-0000-0000-0000-000000000000')),
  toUInt64(0), toInt64(0)
FROM `analytics`.`request_response_rmt` FINAL
WHERE request_created_at >= toDateTime('2026-11-01 00:00:00', 'UTC') AND request_created_at < toDateTime('2026-12-01 00:00:00', 'UTC')
  AND status = 200
GROUP BY day, hour, template, version, team, use_case, model, deployment
WITH TOTALS
ORDER BY day, hour, template, version, team, use_case, model, deployment
FORMAT TabSeparated
