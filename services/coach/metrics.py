"""Every coach metric, declared once (prefix ``rapport_coach_``; labels are bounded sets only).

- ``rapport_coach_score_events_total{outcome}``: score events consumed (applied | duplicate |
  rejected).
- ``rapport_coach_profile_updates_total``: (agent, dimension) profile rows written.
- ``rapport_coach_assignments_total{dimension}``: drills assigned, by target dimension.
- ``rapport_coach_assignments_reaimed_total{dimension}``: not-started drills moved mid-week to a
  clearly lower skill, by the new target dimension.
- ``rapport_coach_drills_completed_total{dimension}``: drills completed, by target dimension.
- ``rapport_coach_practice_attempts_total{outcome}``: practice replies (scored |
  scorer_unavailable).
- ``rapport_coach_decision_duration_seconds``: one assignment run over a set of agents.
- ``rapport_coach_assignment_run_failures_total``: assignment runs after a batch that failed.
- ``rapport_coach_assignments_published_total`` / ``rapport_coach_announce_failures_total``.
- ``rapport_coach_retention_removed_total{store}``: rows the retention job removed (attempts:
  practice attempts and reflections; score_events: applied score event ids; message_scores:
  per-message skill scores; gratitude: customers' praise; conversation_texts: conversations'
  texts for calibration and disputes).
- ``rapport_coach_retention_last_success_timestamp_seconds``: when a retention run last finished.
- ``rapport_coach_gratitude_recorded_total{kind}``: customers' praise kept for the gratitude
  spotlight (rating: a high satisfaction rating; thanks: a message thanking the agent warmly).
- ``rapport_coach_lines_total{outcome}``: lines agents shared for the team phrasebook (shared,
  approved, rejected).
- ``rapport_coach_calibration_reviewer_alpha{dimension, model_version}`` /
  ``rapport_coach_calibration_model_alpha{dimension, model_version}`` /
  ``rapport_coach_calibration_rated_replies{dimension, model_version}``: agreement in the
  calibration circles revealed in the last 90 days (reviewers among themselves; the model
  against their consensus).
- ``rapport_coach_disputes_total{outcome}``: disputes filed, upheld, corrected.
- ``rapport_coach_consumer_lag{group, topic}``: records behind the end of support.scores.v1 (all
  partitions), per consumer group; the gratitude group's on support.interactions.v1.
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
ASSIGNMENTS_REAIMED = Counter("rapport_coach_assignments_reaimed_total",
                              "Not-started drills re-aimed mid-week, by new target dimension.",
                              ["dimension"])
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
RETENTION_REMOVED = Counter("rapport_coach_retention_removed_total",
                            "Rows removed by the retention job.", ["store"])
RETENTION_LAST_SUCCESS = Gauge("rapport_coach_retention_last_success_timestamp_seconds",
                               "Unix time the retention job last finished a run.")
CONSUMER_LAG = Gauge("rapport_coach_consumer_lag",
                     "Records of support.scores.v1 not yet consumed by the coach, per group.",
                     ["group", "topic"])

GRATITUDE_RECORDED = Counter("rapport_coach_gratitude_recorded_total",
                             "Customers' praise kept for the gratitude spotlight, by kind.",
                             ["kind"])
LINES = Counter("rapport_coach_lines_total",
                "Lines shared for the team phrasebook and leads' decisions, by outcome.",
                ["outcome"])
# Calibration circles (calibration_metrics.py): agreement over the circles revealed in the last
# 90 days, per dimension and the model version that scored the replies. NaN where undefined.
CALIBRATION_REVIEWER_ALPHA = Gauge("rapport_coach_calibration_reviewer_alpha",
                                   "Krippendorff's alpha (interval) between calibration "
                                   "reviewers.", ["dimension", "model_version"])
CALIBRATION_MODEL_ALPHA = Gauge("rapport_coach_calibration_model_alpha",
                                "Krippendorff's alpha between the model (on the reviewers' "
                                "scale) and the reviewers' consensus.",
                                ["dimension", "model_version"])
CALIBRATION_REPLIES = Gauge("rapport_coach_calibration_rated_replies",
                            "Replies the reviewers' consensus rated on the dimension.",
                            ["dimension", "model_version"])
DISPUTES = Counter("rapport_coach_disputes_total",
                   "Disputes filed by agents and leads' answers, by outcome.", ["outcome"])

# Label values created up front, so dashboards show zeros instead of gaps.
for _outcome in SCORE_EVENT_OUTCOMES:
    SCORE_EVENTS.labels(_outcome)
for _outcome in ATTEMPT_OUTCOMES:
    PRACTICE_ATTEMPTS.labels(_outcome)
for _store in ("attempts", "score_events", "message_scores", "gratitude",
               "conversation_texts"):
    RETENTION_REMOVED.labels(_store)
for _dimension in DIMENSIONS:
    ASSIGNMENTS.labels(_dimension)
    ASSIGNMENTS_REAIMED.labels(_dimension)
    DRILLS_COMPLETED.labels(_dimension)
for _kind in ("rating", "thanks"):
    GRATITUDE_RECORDED.labels(_kind)
for _outcome in ("shared", "approved", "rejected"):
    LINES.labels(_outcome)
for _outcome in ("filed", "upheld", "corrected"):
    DISPUTES.labels(_outcome)
