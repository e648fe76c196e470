-- HEXONET (CentralNic Reseller's ISPAPI), a third catch service reclaim places orders with
-- itself (src/catch/hexonet.rs): its channels are stored as 'hexonet'. SQLite cannot change a
-- CHECK constraint in place: the table is rebuilt with the same columns (foreign keys are off
-- while migrating; catch_orders and catch_calls refer to it by name).
CREATE TABLE catch_channels_new (
    id TEXT PRIMARY KEY NOT NULL,
    backorder_id TEXT NOT NULL REFERENCES backorders (id),
    service TEXT NOT NULL CHECK (service IN ('dropcatch', 'snapnames', 'namejet', 'dynadot', 'godaddy', 'hexonet',
        'fr_catcher', 'firm_registrar', 'other')),
    service_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('planned', 'scheduled', 'placed', 'refused', 'caught',
        'in_auction', 'won', 'lost', 'cancelled')),
    external_reference TEXT NOT NULL DEFAULT '',
    success_fee_minor BIGINT CHECK (success_fee_minor >= 0),
    price_minor BIGINT CHECK (price_minor >= 0),
    currency TEXT NOT NULL DEFAULT 'EUR',
    auction_result TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO catch_channels_new (id, backorder_id, service, service_name, status, external_reference,
    success_fee_minor, price_minor, currency, auction_result, notes, created_at, updated_at)
SELECT id, backorder_id, service, service_name, status, external_reference, success_fee_minor,
    price_minor, currency, auction_result, notes, created_at, updated_at FROM catch_channels;
DROP TABLE catch_channels;
ALTER TABLE catch_channels_new RENAME TO catch_channels;
CREATE INDEX catch_channels_backorder ON catch_channels (backorder_id);
