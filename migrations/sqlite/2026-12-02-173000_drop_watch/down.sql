DROP TABLE registry_budgets;
DROP TABLE drop_watches;
