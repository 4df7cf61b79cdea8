"""`konstruct`: the command line for operators, over the same admin API the portal uses."""
