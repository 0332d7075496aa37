"""Words without which a customer has not disclosed a vulnerability of a kind.

The model's vulnerability head reads the whole conversation and sometimes flags a disclosure
nobody made (a billing complaint flagged as bereavement, a VAT invoice as safety). A suggestion
that tells an agent to acknowledge a bereavement the customer never mentioned is worse than none,
so a flagged kind is reported only when the customer's own words carry something of that kind.
These are necessary conditions, not detectors: "funeral" alone does not make a bereavement (the
model decides that), but a bereavement without any such word is not one Rapport may claim.
"""

from __future__ import annotations

import re

_CUES: dict[str, str] = {
    "bereavement": r"pass(ed|ing) away|\bdied\b|\bdeath\b|\bdead\b|funeral|bereave|widow|"
                   r"\bloss\b|\blost (my|our|her|his)\b|\blate (husband|wife|mum|mom|dad|father|"
                   r"mother|son|daughter|partner|brother|sister)|condolence|cremat|\bburial|"
                   r"\bestate\b|probate|\bhospice\b|\bgrie(f|ving)",
    "health": r"\bill\b|illness|\bsick|hospital|surgery|operation|chemo|cancer|diagnos|"
              r"disab|wheelchair|\bblind\b|\bdeaf\b|hearing|sight|pregnan|\bms\b|sclerosis|"
              r"diabet|insulin|epilep|seizure|stroke|heart|dementia|alzheimer|autis|adhd|"
              r"anxiety|depress|mental health|panic attack|medicat|prescription|treatment|"
              r"therapy|recover|injur|broken (leg|arm|hip|wrist)|\bcare home\b|carer|"
              r"condition|chronic|\bpain\b|oxygen|dialysis|transplant|mobility|crutches",
    "financial_strain": r"afford|lost my job|redundan|laid off|unemploy|\bbenefits?\b|"
                        r"universal credit|pension|\brent\b|overdra|\bdebt|arrears|bailiff|"
                        r"food bank|struggl|skint|broke\b|\bpaycheck|payday|savings|"
                        r"\bbills?\b|can'?t pay|cannot pay|behind on|in the red|low income|"
                        r"student|maternity pay|sick pay|half pay|zero.hours",
    "safety": r"abus|violen|stalk|harass|threat|unsafe|not safe|afraid|scared|frighten|"
              r"refuge|restraining|injunction|police|\bex\b|ex-(partner|husband|wife|"
              r"boyfriend|girlfriend)|follow(ed|ing) me|assault|attack|domestic|hiding|"
              r"my address|coercive|controlling|\bhurt\b",
}
_PATTERNS = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in _CUES.items()}


def customer_mentions(kind: str, customer_text: str) -> bool:
    """Whether the customer's words hold anything a disclosure of ``kind`` would use."""
    return bool(_PATTERNS[kind].search(customer_text))
