"""Conversations: thread history kept by Konstruct (Slack's own history API is throttled)."""
