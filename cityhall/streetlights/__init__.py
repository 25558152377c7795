"""Smart streetlights (스마트가로등): the device registry (``registry``), running the lights — schedules,
sun times, commands, the live runtime (``operations``), faults and repair orders (``repairs``), the
energy model and report (``energy``), and the field simulator (see docs/streetlights.md)."""
