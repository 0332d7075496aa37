"""Health insurance and pharmacy situations."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="insurance.claim_denied",
        industry="insurance",
        emotions=("disappointment", "anger", "confusion"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "My claim {ref} for {treatment} was denied. My doctor said it was medically "
            "necessary.",
            "Why was claim {ref} rejected? {treatment} was recommended by my consultant.",
        ),
        short="claim {ref} for {treatment} denied, doctor said necessary",
        issue="claim {ref} for {treatment} was denied",
        impact="your doctor told you it was necessary",
        action="help you challenge the decision properly",
        steps=(
            "I've opened an appeal on claim {ref} today; send your doctor's letter to the address "
            "in this message by {date}, and the review team decides within 15 working days.",
        ),
        refusal="overturn the decision on claim {ref}",
        reason="{treatment} is excluded under section 4 of your plan",
        alternative="open a formal appeal with your doctor's letter today and help you fill it "
                    "in",
        cave="approve claim {ref} anyway",
        detail="claim {ref}",
        slots={"treatment": ("physiotherapy", "an MRI scan", "the sleep study",
                             "hearing aids")},
    ),
    Situation(
        key="insurance.reimbursement_delayed",
        industry="insurance",
        emotions=("anger", "fear", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "I paid {amount} for {treatment} on {date} and I'm still waiting for my "
            "reimbursement after {weeks} weeks.",
            "{weeks} weeks and no reimbursement for {treatment}. That's {amount} I'm out of "
            "pocket.",
        ),
        short="{weeks} weeks waiting for {amount} reimbursement",
        issue="your {amount} reimbursement for {treatment} is {weeks} weeks late",
        impact="you've been out of pocket all that time",
        action="get your reimbursement paid this week",
        steps=(
            "Your {amount} reimbursement is approved today and reaches your bank by {day}, with "
            "interest added for the delay.",
        ),
        detail="your {treatment} claim",
        slots={"treatment": ("physiotherapy", "dental surgery", "an eye test"),
               "weeks": ("six", "eight", "ten")},
    ),
    Situation(
        key="insurance.appointment_letters",
        industry="insurance",
        emotions=("confusion", "fear"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "I got two letters with different dates for my {specialist} appointment: {date} and "
            "{other_date}. Which one is real?",
            "Two letters, two dates for the {specialist} — {date} or {other_date}?",
        ),
        short="2 letters, {specialist} appt {date} or {other_date}?",
        issue="you got two letters with different dates for your {specialist} appointment",
        impact="you don't know which day to turn up",
        action="confirm the right appointment and cancel the other",
        steps=(
            "Your appointment is {date} at {time} at the {clinic}; I've cancelled the duplicate "
            "and texted you the confirmation.",
        ),
        question="Could you tell me the reference printed at the top of each letter?",
        closed_question="Did both letters come from the {clinic}?",
        detail="your {specialist} referral",
        slots={"specialist": ("cardiology", "dermatology", "orthopaedic"),
               "other_date": ("April 8", "the 19th", "August 2"),
               "clinic": ("Northgate Clinic", "St Anne's outpatients", "Riverside Health Centre")},
    ),
    Situation(
        key="insurance.preauth_pending",
        industry="insurance",
        emotions=("fear", "confusion"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "My {procedure} is on {date} and the pre-authorisation still says pending. I can't "
            "postpone it.",
            "Pre-authorisation for my {procedure} on {date} is still pending. Will I be covered?",
        ),
        short="{procedure} on {date}, preauth still pending",
        issue="the pre-authorisation for your {procedure} on {date} is still pending",
        impact="you can't postpone the {procedure}",
        action="get the pre-authorisation decided before {date}",
        steps=(
            "I've asked the medical review team to decide your pre-authorisation by {day}, and "
            "I'll call you that afternoon with the answer.",
        ),
        question="Could you tell me your surgeon's name and the hospital, so I chase the right "
                 "team?",
        closed_question="Has the hospital sent us the treatment codes?",
        detail="your pre-authorisation request",
        slots={"procedure": ("knee surgery", "gallbladder operation", "cataract surgery")},
    ),
    Situation(
        key="insurance.premium_refund",
        industry="insurance",
        emotions=("neutral", "disappointment", "anger"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I want to cancel my {plan} policy and get back the premiums I paid this year.",
            "Please cancel policy {ref} and refund this year's premiums, about {amount}.",
        ),
        short="cancel {plan} policy, refund this years premiums",
        issue="you'd like to cancel your {plan} policy and get this year's premiums back",
        impact="you've paid about {amount} this year",
        action="close the policy cleanly",
        steps=(
            "Your {plan} policy ends on {date} with no further payments, and your cover stays "
            "active until then; the cancellation letter is in your inbox.",
        ),
        refusal="refund premiums for months you were covered",
        reason="you had cover for those months, and a claim could have been made at any time",
        alternative="end the policy on {date} with no further payments and no cancellation fee",
        cave="refund this year's premiums anyway",
        detail="policy {ref}",
        slots={"plan": ("Family Health", "Dental Plus", "Travel Annual")},
    ),
    Situation(
        key="insurance.prescription_late",
        industry="insurance",
        emotions=("fear", "anger"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "My {medication} was meant to arrive on {date} and I've only got {left} days of it "
            "left.",
            "Prescription delivery for my {medication} hasn't come. {left} days left. This is "
            "not optional medicine.",
        ),
        short="{medication} delivery late, {left} days left",
        issue="your {medication} didn't arrive on {date}",
        impact="you only have {left} days of it left",
        action="get your {medication} to you today",
        steps=(
            "A pharmacist is sending your {medication} by same-day courier; it arrives by 6 pm "
            "today and I'll text you the driver's tracking link.",
        ),
        detail="your prescription order",
        slots={"medication": ("insulin", "blood thinners", "epilepsy medication",
                              "inhaler refills"),
               "left": ("two", "three", "four")},
    ),
    Situation(
        key="insurance.praise_nurse",
        industry="insurance",
        emotions=("positive",),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "The nurse on your helpline, {nurse}, was so patient with me at 3 am. Please thank "
            "her!",
            "Just want {nurse} on the night helpline to know she really calmed me down.",
        ),
        short="thank {nurse} on the helpline, so patient at 3am",
        issue="{nurse} on our night helpline was so patient with you",
        impact="she helped at 3 am when it mattered most",
        action="pass your thanks on to {nurse}",
        steps=(
            "I've sent your message to {nurse} and her team lead tonight; it'll be shared at "
            "their morning handover.",
        ),
        detail="your call with {nurse}",
        slots={"nurse": ("Joy", "Bronwen", "Aditi", "Carmen")},
    ),
)
