"""Slot values shared by every situation: people, companies, references, dates, money.

Names are drawn from many cultures on purpose: the scorer must not learn that specificity means
an Anglo name, and the fairness notes in the model card rely on this spread.
"""

from __future__ import annotations

CUSTOMER_NAMES: tuple[str, ...] = (
    "Priya", "Mohammed", "Sofia", "Wei", "Olumide", "Aiyana", "Mateo", "Sarah", "Tomasz",
    "Yuki", "Fatima", "Liam", "Amara", "Dmitri", "Grace", "Kwame", "Ana", "Hiroshi", "Chloe",
    "Rahul", "Nadia", "Jamal", "Ingrid", "Luis", "Mei", "Oluwaseun", "Siobhan", "Arjun",
    "Zainab", "Pedro", "Hannah", "Tariq", "Elena", "Kofi", "Marta", "Daniel", "Leila", "Ravi",
    "Bianca", "Thabo", "Noor", "Connor", "Ayesha", "Jonas", "Camila", "Emeka", "Freya", "Minh",
)
FAMILY_NAMES: tuple[str, ...] = (
    "Patel", "Okafor", "García", "Chen", "Nowak", "Haddad", "Kim", "Murphy", "Silva", "Tanaka",
    "Mensah", "Schmidt", "Rossi", "Ibrahim", "Nguyen", "O'Brien", "Kowalski", "Adeyemi",
)
AGENT_NAMES: tuple[str, ...] = (
    "Sam", "Alex", "Jordan", "Maria", "Tom", "Aisha", "Ken", "Lena", "Omar", "Ruth", "Dev", "Jo",
)
INDUSTRY_COMPANIES: dict[str, tuple[str, ...]] = {
    "retail": ("Northwind Home", "Larkspur Outfitters", "Cobalt & Pine"),
    "telecom": ("Brightline", "Skyreach Mobile", "Fibrecore"),
    "banking": ("Harbour Bank", "Meridian Money", "Kestrel Card"),
    "travel": ("Aerolia", "Bluewing Airways", "Roamly Trips"),
    "software": ("Ledgerly", "Tasklane", "Cloudnest"),
    "utilities": ("Greenvolt Energy", "Riverside Water", "Hearth Gas"),
    "food": ("Snackdash", "Platewise", "Forkful"),
    "insurance": ("Keystone Health", "Oakleaf Insurance", "Careway Pharmacy"),
    "leisure": ("Stagepass Tickets", "Pulse Gyms", "Lakeside Hotels"),
}
GENERIC_OBJECT: dict[str, str] = {
    "retail": "your order",
    "telecom": "your account",
    "banking": "your account",
    "travel": "your booking",
    "software": "your account",
    "utilities": "your account",
    "food": "your order",
    "insurance": "your claim",
    "leisure": "your booking",
}
THIRD_PARTY: dict[str, str] = {
    "retail": "the courier",
    "telecom": "the network team",
    "banking": "the card issuer",
    "travel": "the airport",
    "software": "your IT administrator",
    "utilities": "the distribution network",
    "food": "the restaurant",
    "insurance": "your employer's HR team",
    "leisure": "the venue",
}

COMMON_SLOTS: dict[str, tuple[str, ...]] = {
    "order": ("48213", "A-77120", "55821", "ORD-30917", "61044", "B-20458", "73390", "90112"),
    "ref": ("CX-4471", "TK-90213", "#66120", "REF-3082", "#51907", "CS-77841"),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "date": ("March 3", "the 14th", "June 21", "the 2nd", "October 9", "the 27th", "May 30"),
    "amount": ("$84.20", "£129", "€56.90", "$212.00", "£38.50", "$19.99", "€340", "$1,150"),
    "time": ("9 am", "noon", "3 pm", "5:30 pm", "10 am", "6 pm"),
    "days": ("three", "five", "eight", "ten", "twelve", "fourteen"),
}
