UPDATE monitored_domains SET phase = 'unknown' WHERE phase = 'cannot_register';
ALTER TABLE monitored_domains DROP CONSTRAINT monitored_domains_phase_check;
ALTER TABLE monitored_domains ADD CONSTRAINT monitored_domains_phase_check CHECK (phase IN ('active',
    'auto_renew_grace', 'expired_grace', 'redemption', 'pending_delete', 'quarantine', 'suspended', 'available',
    'unknown'));
