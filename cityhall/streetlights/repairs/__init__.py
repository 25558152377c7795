"""Faults and repair orders: the fault rules, the SLA clock, the operators' workflow."""
