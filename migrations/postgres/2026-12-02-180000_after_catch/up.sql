-- After the catch (src/model/after_catch.rs): once a backorder is caught or won, its checklist
-- (transfer lock, renewal, name servers, the 60-day transfer window…). One row per backorder and
-- item; items the registry data proves are ticked by the monitor (verified_by 'registry'), the
-- others by a member of staff (verified_by 'user', audited).
CREATE TABLE after_catch_items (
    backorder_id TEXT NOT NULL REFERENCES backorders (id),
    item TEXT NOT NULL CHECK (item IN ('registrant_verified', 'client_contacts', 'transfer_lock',
        'registrar_2fa', 'renewed', 'nameservers_moved', 'transfer_window', 'client_informed')),
    state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    verified_by TEXT CHECK (verified_by IN ('registry', 'user')),
    due_on DATE NOT NULL,
    -- what the registry data last showed about it, or who ticked it
    note TEXT NOT NULL DEFAULT '',
    done_at TIMESTAMP,
    done_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (backorder_id, item)
);
CREATE INDEX after_catch_items_pending ON after_catch_items (state, due_on);
-- The years a caught name is renewed for beyond its first (the `renewed` item); ICANN allows
-- ten years of registration at most.
ALTER TABLE matters ADD COLUMN renewal_years INTEGER NOT NULL DEFAULT 1
    CHECK (renewal_years BETWEEN 1 AND 9);
