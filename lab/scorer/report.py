"""Rendering an ``EvaluationReport`` as Markdown tables (printed by ``evaluate``, pasted into the
model card as is)."""

from __future__ import annotations

import math

from lab.scorer.evaluation import METHODS, DimensionMetrics, EvaluationReport
from services.scorer.model.rubric import CHANNELS, DIMENSIONS

_SIGNAL_LABELS: dict[str, str] = {
    "emotion_accuracy": "emotion accuracy",
    "emotion_macro_f1": "emotion macro-F1",
    "intensity_spearman": "intensity Spearman",
    "vulnerability_macro_f1": "vulnerability macro-F1 (incl. none)",
    "vulnerability_detection_accuracy": "vulnerability detected yes/no accuracy",
    "tone_raw_spearman": "tone raw Spearman",
    "tone_channel_adjusted_spearman": "tone channel-adjusted Spearman",
    "overall_spearman": "overall Spearman (vs. weighted gold)",
}


def format_report(report: EvaluationReport, split: str = "test") -> str:
    lines = [
        f"Model {report.model_version} — {split}: {report.test_n} replies; "
        f"{report.pairs_n} contrast pairs.",
        "Cells are model / length baseline / lexicon baseline.",
        "",
        *_dimension_table(report.dimensions, with_verdict=True),
        *_pair_lines(report),
        *_vulnerability_lines(report),
        "",
        "Customer signals and tone (model only):",
        "",
        "| signal | value |",
        "|---|---|",
        *(f"| {_SIGNAL_LABELS[k]} | {v:.3f} |" for k, v in report.signals.items()),
    ]
    for channel in CHANNELS:
        metrics = report.by_channel[channel]
        if not any(m.applicability and m.applicable_n for m in metrics.values()):
            continue
        lines += ["", f"Channel: {channel}", "", *_dimension_table(metrics, with_verdict=False)]
    return "\n".join(lines)


def _dimension_table(metrics: dict[str, DimensionMetrics], with_verdict: bool) -> list[str]:
    header = "| dimension | n | applicability acc. | Spearman | pairs | contrast pair acc. |"
    rule = "|---|---|---|---|---|---|"
    if with_verdict:
        header += " beats both |"
        rule += "---|"
    rows = [header, rule]
    for dim in DIMENSIONS:
        m = metrics[dim]
        row = (
            f"| {dim} | {m.applicable_n} | {_cells(m.applicability)} | {_cells(m.spearman)} | "
            f"{m.pairs_n} | {_cells(m.pairs)} |"
        )
        if with_verdict:
            row += f" {'yes' if m.model_beats_baselines() else 'NO'} |"
        rows.append(row)
    return rows


def _cells(values: dict[str, float]) -> str:
    return " / ".join("–" if math.isnan(values[m]) else f"{values[m]:.3f}" for m in METHODS)


def _pair_lines(report: EvaluationReport) -> list[str]:
    summary = report.pair_summary
    if summary is None or not report.pairs_n:
        return []
    return [
        "",
        f"Contrast pairs, all dimensions: {_cells(summary.overall)}; the "
        f"{summary.shorter_better_n} pairs whose better reply is the shorter: "
        f"{_cells(summary.shorter_better)}",
    ]


def _vulnerability_lines(report: EvaluationReport) -> list[str]:
    if not report.vulnerability:
        return []
    lines = ["", "Vulnerability disclosures (model): precision / recall (disclosed, flagged)", "",
             "| type | precision | recall | disclosed | flagged |", "|---|---|---|---|---|"]
    for kind, values in report.vulnerability.items():
        if kind == "none":
            continue
        lines.append(f"| {kind} | {_number(values['precision'])} | {_number(values['recall'])} "
                     f"| {values['disclosed']:.0f} | {values['flagged']:.0f} |")
    none = report.vulnerability.get("none")
    if none:
        lines += ["", f"Customers with no disclosure flagged with one: "
                      f"{_number(none['invented_rate'])} of {none['customers']:.0f}"]
    return lines


def _number(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.3f}"
