"""Answer feedback: the 👍/👎 people give an agent's answers in Slack, counted per agent."""
