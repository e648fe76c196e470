DROP INDEX backorders_matter_names;
