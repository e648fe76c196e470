DROP TABLE catch_calls;
DROP TABLE catch_orders;
UPDATE catch_channels SET status = 'planned' WHERE status IN ('scheduled', 'refused');
UPDATE catch_channels SET status = 'in_auction' WHERE status = 'caught';
ALTER TABLE catch_channels DROP CONSTRAINT catch_channels_status_check;
ALTER TABLE catch_channels ADD CONSTRAINT catch_channels_status_check
    CHECK (status IN ('planned', 'placed', 'in_auction', 'won', 'lost', 'cancelled'));
