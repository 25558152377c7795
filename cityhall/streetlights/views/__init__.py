"""Pages of streetlight operations: live overview and control, repair orders, the energy report."""
