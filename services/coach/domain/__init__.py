"""The coach's rules, statistics and words, pure: profiles and focus, the assignment policy,
agreement and experiment statistics, scenarios, clocks. No database, no HTTP, no Kafka."""
