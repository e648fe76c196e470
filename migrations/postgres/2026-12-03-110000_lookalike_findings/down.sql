DROP TABLE lookalike_decisions;
DROP TABLE lookalike_findings;
DROP TABLE client_brand_terms;
