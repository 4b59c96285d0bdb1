"""Where the pilot breaks even: scenario discovery over behaviour and scale (issue 15)."""
