"""Channel connections: a tenant's Slack workspaces, bot tokens and channel → agent overrides."""
