"""``python -m services.coach ...`` sub-commands: sign-in links, erasure, exports, summaries."""
