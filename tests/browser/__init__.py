"""Browser tests: whole journeys in headless Chromium (Debian's, never downloaded)."""
