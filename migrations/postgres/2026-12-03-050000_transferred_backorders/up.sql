-- A backorder can end with the name transferred to the client (bought from the holder, or
-- ordered by a UDRP/SYRELI decision): status 'transferred'.
ALTER TABLE backorders DROP CONSTRAINT backorders_status_check;
ALTER TABLE backorders ADD CONSTRAINT backorders_status_check
    CHECK (status IN ('watching', 'expiring', 'redemption', 'pending_delete', 'dropped',
        'caught', 'auction', 'won', 'lost', 'renewed', 'cancelled', 'transferred'));
