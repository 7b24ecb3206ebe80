"""Panel 5's page parts: controls, the table's words and charts."""
