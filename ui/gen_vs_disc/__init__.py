"""Panel 1's page parts: controls, charts and the CSV upload."""
