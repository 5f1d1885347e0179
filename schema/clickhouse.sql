-- promptcost's usage table in ClickHouse: hourly buckets of calls and tokens,
-- summed by the engine (a SummingMergeTree adds up rows with the same key as
-- it merges, so several rows for one hour are one bucket, whenever merged).
-- `promptcost usage import --from clickhouse://HOST:PORT/DATABASE` reads it
-- (the promptcost preset), summing again by day (and by hour where a
-- deployment, a reservation, is named). Runs on ClickHouse 18.16 and later.
--
-- Columns as promptcost/usage/v1 names them (README "Recorded usage"); ''
-- for none; counts are totals over the bucket's records; cost_micros is what
-- the sources said `cost_records` of them cost, in micro-units, for
-- reconciliation only (promptcost prices every bucket itself).
--
-- Fill it with INSERT ... FORMAT TabSeparated (or JSONEachRow) from your
-- pipeline, one row per hour and key or per record (time: the hour it fell
-- in or its own second; the engine sums either way). README "Usage in
-- ClickHouse" shows one from native JSONL.
CREATE TABLE IF NOT EXISTS promptcost_usage
(
    time                DateTime,  -- the bucket's start, UTC
    template            String,
    template_version    String,
    team                String,
    use_case            String,
    provider            String,
    model               String,
    deployment          String,
    records             UInt64,
    calls               UInt64,
    response_cache_hits UInt64,
    input_tokens        UInt64,    -- all input, cached included
    cached_input_tokens UInt64,
    cache_write_tokens  UInt64,
    output_tokens       UInt64,
    cost_records        UInt64,
    cost_micros         Int64
)
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(time)
ORDER BY (time, template, template_version, team, use_case, model, deployment, provider);
