-- HEXONET (CentralNic Reseller's ISPAPI), a third catch service reclaim places orders with
-- itself (src/catch/hexonet.rs): its channels are stored as 'hexonet'.
ALTER TABLE catch_channels DROP CONSTRAINT catch_channels_service_check;
ALTER TABLE catch_channels ADD CONSTRAINT catch_channels_service_check
    CHECK (service IN ('dropcatch', 'snapnames', 'namejet', 'dynadot', 'godaddy', 'hexonet',
        'fr_catcher', 'firm_registrar', 'other'));
