UPDATE backorders SET status = 'won' WHERE status = 'transferred';
ALTER TABLE backorders DROP CONSTRAINT backorders_status_check;
ALTER TABLE backorders ADD CONSTRAINT backorders_status_check
    CHECK (status IN ('watching', 'expiring', 'redemption', 'pending_delete', 'dropped',
        'caught', 'auction', 'won', 'lost', 'renewed', 'cancelled'));
