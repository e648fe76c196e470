-- The lookalike watch (docs/lookalikes.md): brand terms a client adds beside its matters' marks,
-- the names found imitating them, and every decision a lawyer made on each (kept, never changed).
CREATE TABLE client_brand_terms (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    term TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (client_id, term)
);

CREATE TABLE lookalike_findings (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    matter_id TEXT REFERENCES matters (id),
    domain TEXT NOT NULL,
    unicode TEXT NOT NULL,
    mark TEXT NOT NULL,
    -- Why it matched (the matcher's reason, JSON: family, skeleton, containment, distance).
    reason TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    source TEXT NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    -- The registry data when reclaim asked (JSON: registrar, registered_on, statuses).
    registry TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'dismissed', 'watching', 'backordered',
        'disputed', 'letter')),
    backorder_id TEXT REFERENCES backorders (id),
    alerted_at TIMESTAMP,
    UNIQUE (client_id, domain)
);
-- A client's findings, most dangerous first; the digest's new ones.
CREATE INDEX lookalike_findings_client ON lookalike_findings (client_id, state, score DESC, id);
CREATE INDEX lookalike_findings_unalerted ON lookalike_findings (alerted_at, state);

CREATE TABLE lookalike_decisions (
    id TEXT PRIMARY KEY NOT NULL,
    finding_id TEXT NOT NULL REFERENCES lookalike_findings (id),
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lookalike_decisions_finding ON lookalike_decisions (finding_id, decided_at);
