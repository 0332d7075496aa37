"""Every coach metric, declared once (prefix ``rapport_coach_``; labels are bounded sets only).

- ``rapport_coach_score_events_total{outcome}``: score events consumed (applied | duplicate |
  rejected).
- ``rapport_coach_profile_updates_total``: (agent, dimension) profile rows written.
- ``rapport_coach_assignments_total{dimension}``: drills assigned, by target dimension.
- ``rapport_coach_drills_completed_total{dimension}``: drills completed, by target dimension.
- ``rapport_coach_practice_attempts_total{outcome}``: practice replies (scored |
  scorer_unavailable).
- ``rapport_coach_decision_duration_seconds``: one assignment run over a set of agents.
- ``rapport_coach_assignment_run_failures_total``: assignment runs after a batch that failed.
- ``rapport_coach_assignments_published_total`` / ``rapport_coach_announce_failures_total``.
- ``rapport_coach_consumer_lag``: records behind the end of support.scores.v1 (all partitions).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from shared.events.scores import DIMENSIONS

SCORE_EVENT_OUTCOMES = ("applied", "duplicate", "rejected")
ATTEMPT_OUTCOMES = ("scored", "scorer_unavailable")

SCORE_EVENTS = Counter("rapport_coach_score_events_total",
                       "Score events consumed, by outcome.", ["outcome"])
PROFILE_UPDATES = Counter("rapport_coach_profile_updates_total",
                          "Per-agent, per-dimension profile rows written.")
ASSIGNMENTS = Counter("rapport_coach_assignments_total",
                      "Drills assigned, by target dimension.", ["dimension"])
DRILLS_COMPLETED = Counter("rapport_coach_drills_completed_total",
                           "Drills completed, by target dimension.", ["dimension"])
PRACTICE_ATTEMPTS = Counter("rapport_coach_practice_attempts_total",
                            "Practice replies submitted, by outcome.", ["outcome"])
ASSIGNMENTS_PUBLISHED = Counter("rapport_coach_assignments_published_total",
                                "Assignment events acknowledged by coach.assignments.v1.")
ASSIGNMENT_RUN_FAILURES = Counter("rapport_coach_assignment_run_failures_total",
                                  "Assignment runs after a profile batch that failed.")
ANNOUNCE_FAILURES = Counter("rapport_coach_announce_failures_total",
                            "Announcements the outbound webhook did not accept.")
# A run decides for one batch's agents (milliseconds) or, from the admin endpoint, for
# everyone (seconds); the buckets span both.
DECISION_SECONDS = Histogram("rapport_coach_decision_duration_seconds",
                             "Duration of one assignment run over a set of agents.",
                             buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                                      2.5, 5.0, 10.0, 30.0))
CONSUMER_LAG = Gauge("rapport_coach_consumer_lag",
                     "Records of support.scores.v1 not yet consumed by the coach.")

# Label values created up front, so dashboards show zeros instead of gaps.
for _outcome in SCORE_EVENT_OUTCOMES:
    SCORE_EVENTS.labels(_outcome)
for _outcome in ATTEMPT_OUTCOMES:
    PRACTICE_ATTEMPTS.labels(_outcome)
for _dimension in DIMENSIONS:
    ASSIGNMENTS.labels(_dimension)
    DRILLS_COMPLETED.labels(_dimension)
