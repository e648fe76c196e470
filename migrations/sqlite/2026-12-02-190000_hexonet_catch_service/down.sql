-- HEXONET channels become 'other' channels named HEXONET.
CREATE TABLE catch_channels_old (
    id TEXT PRIMARY KEY NOT NULL,
    backorder_id TEXT NOT NULL REFERENCES backorders (id),
    service TEXT NOT NULL CHECK (service IN ('dropcatch', 'snapnames', 'namejet', 'dynadot', 'godaddy',
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
INSERT INTO catch_channels_old (id, backorder_id, service, service_name, status, external_reference,
    success_fee_minor, price_minor, currency, auction_result, notes, created_at, updated_at)
SELECT id, backorder_id, CASE WHEN service = 'hexonet' THEN 'other' ELSE service END,
    CASE WHEN service = 'hexonet' THEN 'HEXONET' ELSE service_name END, status, external_reference, success_fee_minor,
    price_minor, currency, auction_result, notes, created_at, updated_at FROM catch_channels;
DROP TABLE catch_channels;
ALTER TABLE catch_channels_old RENAME TO catch_channels;
CREATE INDEX catch_channels_backorder ON catch_channels (backorder_id);
