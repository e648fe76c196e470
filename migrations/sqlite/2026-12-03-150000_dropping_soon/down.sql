DROP INDEX outreach_messages_status;
DROP INDEX monitored_domains_free_since;
DROP INDEX monitored_domains_dropping;
