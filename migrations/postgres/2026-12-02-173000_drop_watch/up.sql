-- The drop watch (src/app/drop_watch.rs): per name in its predicted drop window, when the watch
-- asks the registry next and when it first saw the name free; per registry server, the query
-- budget every instance takes from before asking (src/model/drop_watch.rs).
CREATE TABLE drop_watches (
    domain TEXT PRIMARY KEY NOT NULL REFERENCES monitored_domains (domain),
    next_query_at TIMESTAMP NOT NULL,
    last_query_at TIMESTAMP,
    queries INTEGER NOT NULL DEFAULT 0,
    seen_free_at TIMESTAMP
);
CREATE INDEX drop_watches_next_query_at ON drop_watches (next_query_at);
CREATE TABLE registry_budgets (
    server TEXT PRIMARY KEY NOT NULL,
    second_start TIMESTAMP NOT NULL,
    second_used INTEGER NOT NULL,
    minute_start TIMESTAMP NOT NULL,
    minute_used INTEGER NOT NULL,
    allowance INTEGER NOT NULL,
    lowered_at TIMESTAMP,
    paused_until TIMESTAMP
);
