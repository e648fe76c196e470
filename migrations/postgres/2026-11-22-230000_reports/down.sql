DROP TABLE reports;
DROP FUNCTION reports_keep() CASCADE;
DROP TABLE report_counters;
