"""Panel 4's models: DDPM on 2-D data and on 8x8 digits, and its noise schedules."""
