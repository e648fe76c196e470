DROP TABLE suppressions;
DROP TABLE outreach_approvals;
DROP TABLE outreach_messages;
DROP TABLE sender_profiles;
