"""The office's four departments by their codes in the dataset (01-general.yaml, seed line 21), for
the apps whose rules name the department that runs them (who reviews, who decides, who is notified)."""

POLICY_PLANNING = "policy-planning"  # 정책기획과
BUDGET_LEGAL = "budget-legal"  # 예산법무과
INFO_COMM = "info-comm"  # 정보통신과
SMART_CITY = "smart-city"  # 스마트도시과

# In the plan's order.
OFFICE = (POLICY_PLANNING, BUDGET_LEGAL, INFO_COMM, SMART_CITY)
