"""The coach's calls out: the scorer's live endpoint and the outbound drill announcement."""
