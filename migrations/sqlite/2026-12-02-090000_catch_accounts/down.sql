DROP TABLE catch_accounts;
