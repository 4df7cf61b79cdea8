"""Usage: every successful model call, its tokens and cost."""
