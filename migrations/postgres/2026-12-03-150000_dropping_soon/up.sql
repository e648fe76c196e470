-- The dashboard's names about to drop, read by two queries that each stop at the rows shown
-- (repo::monitoring::about_to_drop), whatever the size of the firm:
-- the names with a predicted drop, walked in the order of that drop and name (a name free has none: the
-- index leaves the free names out, however many dropped over the years) ...
CREATE INDEX monitored_domains_dropping ON monitored_domains (drop_earliest, domain)
    WHERE phase <> 'available' AND drop_earliest IS NOT NULL;
-- ... and the names free that were first watched lately (those seen becoming free lately come
-- from registry_changes_kind_at).
CREATE INDEX monitored_domains_free_since ON monitored_domains (phase, created_at);
-- The messages to holders awaiting a decision (the dashboard), by status.
CREATE INDEX outreach_messages_status ON outreach_messages (status, created_at);
