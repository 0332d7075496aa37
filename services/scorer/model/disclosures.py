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
    # Words with an everyday second sense are only taken in their medical one: a GP "surgery",
    # "terms and conditions", "hearing from you", "recover my account", "treatment of my
    # complaint" are not disclosures.
    "health": r"\bill\b|illness|\bsick|hospital|\b(had|having|after|before|recovering from|"
              r"need|needs|major|emergency|knee|hip|heart|back|eye) surgery|surgery (on|for) my|"
              r"\b(an|my|his|her) operation\b|chemo|cancer|diagnos|disab|wheelchair|\bblind\b|"
              r"\bdeaf\b|hearing (aid|loss|impair)|hard of hearing|(poor|low|partial|losing my) "
              r"(eye)?sight|pregnan|\bms\b|sclerosis|diabet|insulin|epilep|seizure|stroke|"
              r"heart (attack|condition|failure)|dementia|alzheimer|autis|adhd|anxiety|depress|"
              r"mental health|panic attack|medicat|(medical|health|heart|chronic) condition|"
              r"\bmy condition\b|chemotherapy|radiotherapy|therapy|injur|broken (leg|arm|hip|"
              r"wrist|ankle)|\bcare home\b|carer|chronic|\bpain\b|oxygen|dialysis|transplant|"
              r"mobility|crutches|migraine|asthma|arthritis|long covid|fatigue|terminal",
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
# Things die too: "my laptop died", "the battery is dead", "dead on arrival" are no bereavement.
# Those phrases are taken out before the bereavement cues are looked for.
_THING = (r"(it|laptop|phone|mobile|battery|screen|car|engine|tv|telly|router|modem|printer|"
          r"console|controller|charger|computer|pc|tablet|device|headphones|earbuds|fridge|"
          r"freezer|boiler|oven|kettle|line|signal|app|pixel|bulb|watch|camera|keyboard|mouse|"
          r"speaker|machine|hard drive|drive|card|unit)")
_THINGS_DYING = re.compile(
    rf"\b{_THING}\s+(has\s+|had\s+|just\s+|completely\s+|suddenly\s+)*died\b"
    rf"|\b{_THING}\s+(is|was|went|has gone|had gone|'s)\s+(completely\s+|totally\s+)?dead\b"
    r"|\bdead on arrival\b|\bdead (pixel|battery|zone|line|link|spot)s?\b",
    re.IGNORECASE)


def customer_mentions(kind: str, customer_text: str) -> bool:
    """Whether the customer's words hold anything a disclosure of ``kind`` would use."""
    if kind == "bereavement":
        customer_text = _THINGS_DYING.sub(" ", customer_text)
    return bool(_PATTERNS[kind].search(customer_text))
