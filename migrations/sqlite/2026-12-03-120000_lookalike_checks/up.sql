-- The lookalike job's direct checks (docs/lookalikes.md, "The daily job"): when each generated
-- name was last asked at its registry, so that a run asks the best-ranked names not asked
-- recently instead of the same ones every day.
CREATE TABLE lookalike_checks (
    domain TEXT PRIMARY KEY NOT NULL,
    checked_at TIMESTAMP NOT NULL
);
