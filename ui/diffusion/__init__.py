"""Panel 4's page parts: controls and charts."""
