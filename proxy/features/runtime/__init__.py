"""The agent runtime: one agent turn (message, history, prompt, model, tools, approvals, answer)."""
