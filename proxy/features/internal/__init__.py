"""Internal API for the Slack bridge: workspace resolution, thread history, installs.

Agent turns and approvals are the runtime's (proxy/features/runtime).
"""
