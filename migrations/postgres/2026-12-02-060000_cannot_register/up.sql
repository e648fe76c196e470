-- A registry can say a name cannot be registered at all (reserved, unassignable, invalid, not
-- allowed; docs/registries.md §6): a phase of its own, `cannot_register`.
ALTER TABLE monitored_domains DROP CONSTRAINT monitored_domains_phase_check;
ALTER TABLE monitored_domains ADD CONSTRAINT monitored_domains_phase_check CHECK (phase IN ('active',
    'auto_renew_grace', 'expired_grace', 'redemption', 'pending_delete', 'quarantine', 'suspended', 'available',
    'cannot_register', 'unknown'));
