"""Smart streetlights (스마트가로등): domain functions shared by the simulator, the rules and the energy
report — solar times, dimming schedules, the luminaire power model. Plain Python for now; this package
becomes a Django app when the device registry is added (see docs/streetlights.md)."""
