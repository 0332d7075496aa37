"""From raw head outputs to a ``ScoreResult``: gating, tone, evidence, suggestions, customer."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from services.scorer.model.disclosures import customer_mentions
from services.scorer.model.evidence import evidence_sentences
from services.scorer.model.heads import HeadOutputs
from services.scorer.model.rubric import DIMENSIONS, EMOTIONS, VULNERABILITIES, expected_overall
from services.scorer.model.schema import CustomerSignals, ScoreRequest, ScoreResult, ToneScores
from services.scorer.model.suggestions import suggestions_for
from services.scorer.model.tokenizing import TokenizedExample

# By the rubric these always apply (every reply has a tone, acknowledges or not, is canned or not).
ALWAYS_APPLICABLE = frozenset({"acknowledgment", "tone", "personalization"})
APPLICABILITY_THRESHOLD = 0.5
# A disclosure is reported only when the model is fairly sure: a false "bereavement" is worse than
# a missed one, and the suggestion text changes with it.
VULNERABILITY_THRESHOLD = 0.5
TONE_INDEX = DIMENSIONS.index("tone")


@dataclass(frozen=True)
class RawPrediction:
    """One example's head outputs as plain floats (CPU)."""

    applicability: list[float]
    scores: list[float]
    channel_fit: float
    reply_attention: list[list[float]]
    emotion: list[float]
    intensity: float
    vulnerability: list[float]


def split_outputs(outputs: HeadOutputs) -> list[RawPrediction]:
    applicability = torch.sigmoid(outputs.applicability_logits).tolist()
    scores = torch.sigmoid(outputs.score_logits).tolist()
    fit = torch.sigmoid(outputs.channel_fit_logit).tolist()
    attention = outputs.reply_attention.tolist()
    emotion = torch.softmax(outputs.emotion_logits, -1).tolist()
    intensity = torch.sigmoid(outputs.intensity_logit).tolist()
    vulnerability = torch.softmax(outputs.vulnerability_logits, -1).tolist()
    return [
        RawPrediction(applicability[i], scores[i], fit[i], attention[i], emotion[i], intensity[i],
                      vulnerability[i])
        for i in range(len(scores))
    ]


def build_result(
    request: ScoreRequest,
    tokenized: TokenizedExample,
    raw: RawPrediction,
    model_version: str,
) -> ScoreResult:
    raw_tone = raw.scores[TONE_INDEX]
    adjusted_tone = raw_tone * raw.channel_fit
    unconditional = dict(zip(DIMENSIONS, raw.scores, strict=True))
    unconditional["tone"] = adjusted_tone
    applicability = {
        dim: 1.0 if dim in ALWAYS_APPLICABLE else prob
        for dim, prob in zip(DIMENSIONS, raw.applicability, strict=True)
    }
    scores: dict[str, float | None] = {
        dim: unconditional[dim] if applicability[dim] >= APPLICABILITY_THRESHOLD else None
        for dim in DIMENSIONS
    }
    evidence = {
        dim: evidence_sentences(request.reply, tokenized.reply_spans, raw.reply_attention[index])
        for index, dim in enumerate(DIMENSIONS)
        if scores[dim] is not None
    }
    customer = _customer_signals(raw, _customer_words(request))
    return ScoreResult(
        scores=scores,
        overall=expected_overall(unconditional, applicability),
        evidence=evidence,
        suggestions=suggestions_for(
            request, scores, customer.emotion, customer.vulnerability, raw.channel_fit
        ),
        customer=customer,
        tone=ToneScores(raw=raw_tone, channel_adjusted=adjusted_tone),
        model_version=model_version,
        applicability=applicability,
        unconditional_scores=unconditional,
    )


def _customer_words(request: ScoreRequest) -> str:
    return "\n".join([*(t.text for t in request.history if t.role == "customer"),
                      request.customer])


def _customer_signals(raw: RawPrediction, customer_words: str) -> CustomerSignals:
    best = max(range(len(EMOTIONS)), key=lambda i: raw.emotion[i])
    none_probability, kinds = raw.vulnerability[0], raw.vulnerability[1:]
    likeliest = max(range(len(VULNERABILITIES)), key=lambda i: kinds[i])
    # The model flags; the customer's words must back it (``disclosures`` says why).
    disclosed = (none_probability < VULNERABILITY_THRESHOLD
                 and customer_mentions(VULNERABILITIES[likeliest], customer_words))
    return CustomerSignals(
        emotion=EMOTIONS[best],
        emotion_confidence=raw.emotion[best],
        intensity=raw.intensity,
        vulnerability=VULNERABILITIES[likeliest] if disclosed else None,
    )
