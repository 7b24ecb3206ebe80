"""Panel 2's page parts: controls and charts."""
