"""Running the lights: dimming schedules, sun times, commands and the live runtime."""
