-- HEXONET channels become 'other' channels named HEXONET.
UPDATE catch_channels SET service = 'other', service_name = 'HEXONET' WHERE service = 'hexonet';
ALTER TABLE catch_channels DROP CONSTRAINT catch_channels_service_check;
ALTER TABLE catch_channels ADD CONSTRAINT catch_channels_service_check
    CHECK (service IN ('dropcatch', 'snapnames', 'namejet', 'dynadot', 'godaddy',
        'fr_catcher', 'firm_registrar', 'other'));
