-- Firm scale (issue 17). The matter page reads a matter's names a page at a time, by Unicode
-- form then id.
CREATE INDEX backorders_matter_names ON backorders (matter_id, unicode, id);
