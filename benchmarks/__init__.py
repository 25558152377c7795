"""Performance benchmarks for cityhall (``cityhall bench``); see benchmarks/README.md."""
