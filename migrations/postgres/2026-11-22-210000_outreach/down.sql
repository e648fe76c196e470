DROP TABLE suppressions;
DROP TABLE outreach_approvals;
DROP FUNCTION outreach_approvals_append_only() CASCADE;
DROP TABLE outreach_messages;
DROP FUNCTION outreach_messages_keep_sent() CASCADE;
DROP TABLE sender_profiles;
