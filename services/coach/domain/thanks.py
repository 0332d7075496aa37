"""Whether a customer's message thanks the agent warmly: a small rule, no model.

A plain "thanks" closes half of all chats and says little; the spotlight wants the messages
where a customer goes out of their way. So a message counts when it thanks *and* says it
warmly (an intensifier: "so much", "really", "truly"...), or praises the agent or what they
did ("you've been amazing", "lifesaver", "went above and beyond"). Sarcasm and complaints veto
it ("thanks for nothing", "thanks, but it is still broken"): the spotlight must never show a
complaint as praise, so the rule errs on the side of missing some real thanks.
"""

from __future__ import annotations

import re

# Thanks said warmly: the intensifier belongs to the thanks ("thank you so much", "really
# appreciate"), so "thanks, I really need this today" is not counted.
_WARM_THANKS = re.compile(
    r"\b(?:thanks?(?:\s+you)?(?:\s+(?:ever\s+)?so|\s+very)\s+much|thanks?\s+a\s+(?:lot|million|ton|bunch)"
    r"|thank\s+you(?:\s+so\s+much)?,?\s+thank\s+you|(?:many|huge|massive|big|heartfelt|warm(?:est)?"
    r"|a\s+million|special)\s+thanks|can'?t\s+thank\s+you\s+enough"
    r"|thank\s+you\s+from\s+the\s+bottom\s+of\s+my\s+heart"
    r"|(?:really|truly|sincerely|genuinely|deeply|hugely|so|very|incredibly)\s+"
    r"(?:appreciate(?:d)?|grateful|thankful)|(?:forever|eternally|so\s+very)\s+grateful)\b",
    re.IGNORECASE)
_PRAISE = re.compile(
    r"\b(?:you(?:'re|\s+are|\s+were|'ve\s+been|\s+have\s+been)\s+(?:a\s+|an\s+|so\s+|such\s+a\s+"
    r"|really\s+|very\s+|incredibly\s+|absolutely\s+)?"
    r"(?:star|legend|hero|gem|angel|lifesaver|life\s+saver|amazing|brilliant|wonderful"
    r"|fantastic|fabulous|awesome|excellent|outstanding|superb|kind|patient|helpful|lovely)"
    r"|life\s*saver|above\s+and\s+beyond|made\s+my\s+day|saved\s+(?:my\s+day|the\s+day|me)"
    r"|(?:so|really|very|incredibly|super)\s+(?:helpful|kind|patient|lovely)"
    r"|(?:best|great|amazing|wonderful|brilliant|fantastic|excellent|outstanding)"
    r"\s+(?:service|support|help|customer\s+service)"
    r"|you\s+rock|made\s+(?:it|this)\s+so\s+easy|put\s+my\s+mind\s+at\s+(?:ease|rest))\b",
    re.IGNORECASE)
_COLD = re.compile(
    r"\b(?:thanks?\s+for\s+nothing|no\s+thanks?|thanks?\s+anyway|thanks?,?\s+but"
    r"|not\s+(?:helpful|happy|resolved|fixed|impressed|good\s+enough)|unhelpful|useless"
    r"|still\s+(?:not|no|nothing|waiting|broken|missing|haven't|hasn't)|waste\s+of\s+(?:time|money)"
    r"|ridiculous|unacceptable|disappointed|disappointing|complain(?:t)?|terrible|awful"
    r"|worst|never\s+again|cancel\s+my|yeah\s+right|sure\s+you\s+(?:are|did)|in\s+advance)\b",
    re.IGNORECASE)


def is_warm_thanks(text: str) -> bool:
    """True for a message that thanks or praises the agent warmly and complains of nothing."""
    if not text or _COLD.search(text):
        return False
    return bool(_WARM_THANKS.search(text) or _PRAISE.search(text))
