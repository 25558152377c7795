"""The budget proposal (예산안 편성): items that enter next year's budget from outside the ledger —
today the projects funded by 주민참여예산 (docs/adr/0027-participatory-projects-into-the-budget.md)."""
