"""Energy: the luminaire power model and the energy saving report."""
