"""Internal API for the Slack bridge: workspace resolution, bridge key, thread history, installs."""
