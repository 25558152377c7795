"""The device registry: sites, base stations and lights (seed build, changes, NGSI-LD reads)."""
