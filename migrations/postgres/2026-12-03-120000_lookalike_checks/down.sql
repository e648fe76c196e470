DROP TABLE lookalike_checks;
