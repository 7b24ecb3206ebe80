"""Panel 3's page parts: controls, charts and the saddle-point view."""
