"""What the coach does for a request or an event: read the store, apply the domain's rules,
write back, call out. Routes, consumers and commands call these; these never import ``web``."""
