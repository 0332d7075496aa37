"""More faults and refusals, chosen to sit close to each other: money owed back because we failed
(an apology is owed) next to money asked back because of the customer's own choice (a boundary),
so that which dimensions apply has to be read from the situation, not from the topic."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="retail.out_of_warranty",
        industry="retail",
        emotions=("disappointment", "anger", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "My {item} stopped working two months after the warranty ended. Can you repair it for "
            "free?",
            "The {item} (order {order}) died just after the one-year warranty. Surely it should "
            "last longer than that?",
        ),
        short="{item} broke just after warranty, free repair?",
        issue="your {item} stopped working just after the warranty ended",
        impact="you expected it to last far longer than a year",
        action="get your {item} working again at the lowest cost",
        steps=(
            "I've booked a collection for {day}; the repair is capped at {amount} with parts "
            "included, and you'll have it back within ten days.",
        ),
        refusal="repair the {item} for free",
        reason="the warranty ended two months ago",
        alternative="repair it at our out-of-warranty rate, capped at {amount}",
        cave="repair the {item} for free anyway",
        detail="the warranty record for your {item}",
        slots={"item": ("washing machine", "laptop", "robot vacuum", "fridge")},
    ),
    Situation(
        key="telecom.wrong_number_topup",
        industry="telecom",
        emotions=("fear", "disappointment", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I topped up the wrong number by mistake — {amount}. Can I have it back?",
            "I mistyped one digit and sent {amount} of credit to a stranger's number. Please "
            "reverse it.",
        ),
        short="topped up wrong number by mistake, {amount}, can you reverse?",
        issue="{amount} of credit went to the wrong number after a one-digit slip",
        impact="that money was meant for your own phone",
        action="recover what can be recovered",
        steps=(
            "The other number hasn't used the credit yet, so I've frozen it; if it's still unused "
            "on {day}, the {amount} moves back to your account automatically.",
        ),
        refusal="reverse a top-up once it has landed",
        reason="credit belongs to the receiving number as soon as it arrives",
        alternative="freeze the credit on that number and return it to you if it's still unused "
                    "on {day}",
        cave="put the {amount} back on your number right away",
        detail="your top-up history",
    ),
    Situation(
        key="banking.card_not_arrived",
        industry="banking",
        emotions=("anger", "fear", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "My replacement card was supposed to arrive {days} days ago. I can't pay for anything.",
            "Still no new card after {days} days, and the old one is already cancelled.",
        ),
        short="replacement card {days} days late, can't pay for anything",
        issue="your replacement card still hasn't arrived {days} days on",
        impact="you can't pay for anything in the meantime",
        action="get a working card into your hands quickly",
        steps=(
            "A new card is going out by tracked courier and arrives by {day}; until then, your "
            "card details are live in the app for phone payments.",
        ),
        detail="your card order",
    ),
    Situation(
        key="travel.refund_overdue",
        industry="travel",
        emotions=("anger", "disappointment", "fear"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "You promised a refund for cancelled flight {flight} within 7 days. It's been "
            "{weeks} weeks.",
            "{weeks} weeks waiting for the {amount} refund for {flight}, which YOU cancelled.",
        ),
        short="{weeks} weeks, no refund for cancelled {flight}",
        issue="the {amount} refund for cancelled flight {flight} is {weeks} weeks overdue",
        impact="you were promised it within a week",
        action="get your refund paid today",
        steps=(
            "Your {amount} refund is released today with priority, so it reaches your card by "
            "{day}, and I've added a {voucher} voucher for the wait.",
        ),
        detail="the refund for flight {flight}",
        slots={"flight": ("BW 482", "AL 1207"), "weeks": ("five", "seven", "nine"),
               "voucher": ("£25", "$30", "€25")},
    ),
    Situation(
        key="software.price_increase",
        industry="software",
        emotions=("anger", "disappointment", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "Your price just went up {percent}. We've been customers for {years} years — I want "
            "to keep our old price.",
            "A {percent} increase with a month's notice? Keep us on the old rate please.",
        ),
        short="price up {percent}, keep us on old rate?",
        issue="your plan's price is going up {percent}",
        impact="you've been with us for {years} years",
        action="find you the best price going forward",
        steps=(
            "I've set up an annual plan for you at the old monthly price; accept it by {date} in "
            "Billing and it's locked for twelve months.",
        ),
        refusal="keep you on the old monthly price",
        reason="the new prices apply to every plan from next month",
        alternative="lock the old price for a year if you switch to annual billing",
        cave="keep you on the old monthly price anyway",
        detail="your billing history",
        slots={"percent": ("20%", "15%", "30%"), "years": ("three", "five", "six")},
    ),
    Situation(
        key="utilities.late_payment_fee",
        industry="utilities",
        emotions=("anger", "disappointment", "confusion"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I paid two days late and you've added a {amount} late fee. Take it off please.",
            "A {amount} fee for paying on the {date} instead of the due date? Remove it.",
        ),
        short="{amount} late fee for 2 days late, remove it",
        issue="a {amount} late fee was added after paying two days late",
        impact="it feels out of proportion to two days",
        action="stop it happening again",
        steps=(
            "I've moved your payment date to the 5th, three days after your payday, from next "
            "month, and you'll get a text reminder two days before.",
        ),
        refusal="remove the {amount} late fee",
        reason="the fee was charged under your payment terms",
        alternative="move your payment date to just after payday so it can't happen again",
        cave="remove the {amount} fee anyway",
        detail="your payment history",
    ),
    Situation(
        key="food.old_address",
        industry="food",
        emotions=("disappointment", "confusion", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "The order went to my old address — I forgot to update it. Can you send it again for "
            "free?",
            "My fault, order {order} went to my previous flat. Can you redeliver at no cost?",
        ),
        short="order {order} went to my old address, redeliver free?",
        issue="order {order} went to your old address",
        impact="you're still waiting for dinner",
        action="get dinner to your new address",
        steps=(
            "Your saved address is updated, and a {credit} credit is on your account now for a "
            "new order to your new home.",
        ),
        refusal="redeliver the order for free",
        reason="it was delivered to the address on the order",
        alternative="add a {credit} credit so your next order costs you less",
        cave="redeliver the whole order at no cost",
        detail="order {order}",
        slots={"credit": ("£8", "$10", "€7")},
    ),
    Situation(
        key="insurance.misspelled_card",
        industry="insurance",
        emotions=("anger", "fear", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "My insurance card has my name spelled '{misspelled}'. The pharmacy wouldn't accept it "
            "today.",
            "You spelled my name '{misspelled}' on the card and now I can't collect my "
            "prescription.",
        ),
        short="name spelled '{misspelled}' on card, pharmacy refused",
        issue="your card has your name spelled '{misspelled}'",
        impact="the pharmacy turned you away today",
        action="correct your card and get you your prescription",
        steps=(
            "Your name is corrected on our system now; I've emailed a temporary card the pharmacy "
            "will accept today, and the new plastic card arrives by {day}.",
        ),
        detail="your membership record",
        slots={"misspelled": ("Jonh", "Mohamed Ali Khann", "Siobahn", "Oluwasen")},
    ),
    Situation(
        key="leisure.parking_charge",
        industry="leisure",
        emotions=("anger", "confusion"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "I got a {amount} parking charge at your hotel car park even though I was staying at "
            "the hotel.",
            "Parking fine of {amount} from your car park on {date}. I was a guest!",
        ),
        short="{amount} parking charge, I was a hotel guest",
        issue="you got a {amount} parking charge while staying with us",
        impact="guests shouldn't be charged at all",
        action="get the parking charge cancelled",
        steps=(
            "Once I have your registration, I'll match it to your stay and the car-park operator "
            "cancels the charge within 48 hours; you'll get their confirmation by email.",
        ),
        question="Could you tell me your car's registration and the dates of your stay?",
        closed_question="Did you register your car at reception when you checked in?",
        detail="your stay on {date}",
    ),
    Situation(
        key="food.praise_courier",
        industry="food",
        emotions=("positive",),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "Your driver {driver} helped me carry my shopping up three floors tonight. Please "
            "thank him!",
            "Shout-out to {driver} who delivered order {order} — so kind to my elderly dad.",
        ),
        short="thank {driver}, so kind tonight!",
        issue="{driver} went out of his way for you tonight",
        impact="it made a tiring evening easier",
        action="pass your thanks to {driver}",
        steps=(
            "I've sent your message to {driver} and his team lead tonight, and it goes on his "
            "record for this month's rider awards.",
        ),
        detail="order {order}",
        slots={"driver": ("Tomás", "Kwabena", "Arif", "Pavel")},
    ),
)
