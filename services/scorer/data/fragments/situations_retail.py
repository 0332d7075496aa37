"""Retail and e-commerce situations."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="retail.damaged_item",
        industry="retail",
        emotions=("anger", "disappointment", "neutral"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "My order {order} arrived today and the {item} is cracked right across the {part}. "
            "I needed it for {event} on {day}.",
            "The {item} from order {order} came with a cracked {part}. It was meant for {event} "
            "this {day}.",
        ),
        short="{item} from order {order} arrived cracked, need it for {event} {day}",
        issue="the {item} from order {order} arrived with a cracked {part}",
        impact="you needed it for {event} on {day}",
        action="get a replacement {item} to you before {day}",
        steps=(
            "A replacement {item} goes out today by express courier and arrives by {day} noon; "
            "the tracking link will be in your inbox within the hour.",
            "I've booked express delivery of a new {item} for tomorrow, and a courier will collect "
            "the cracked one on the same visit, so there's nothing for you to post back.",
        ),
        detail="order {order}",
        slots={
            "item": ("table lamp", "ceramic vase", "mirror", "glass coffee table", "dinner set"),
            "part": ("base", "front", "side", "top"),
            "event": ("a birthday party", "the housewarming", "an anniversary dinner",
                      "a family dinner"),
        },
    ),
    Situation(
        key="retail.late_delivery",
        industry="retail",
        emotions=("anger", "fear", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "Order {order} was promised for {date} and it still hasn't arrived. It's the {item} "
            "for {event} and tracking hasn't moved in {days} days.",
            "I paid {amount} for next-day delivery on order {order} and {days} days later there's "
            "still no {item}. I need it for {event} this {day}.",
        ),
        short="order {order} still not here, paid for next day, need the {item} for {event}",
        issue="order {order} still hasn't arrived {days} days after it was due",
        impact="you need the {item} for {event} this {day}",
        action="make sure a {item} reaches you before {event}",
        steps=(
            "I've sent a second {item} by same-day courier; it will be with you by 6 pm today, and "
            "I've refunded the {amount} delivery charge to your card.",
            "The courier confirmed your parcel is at their depot; I've booked it onto tomorrow's "
            "first run before 10 am and will text you the driver's slot tonight.",
        ),
        detail="order {order}",
        slots={
            "item": ("suit", "wedding shoes", "gaming console", "birthday cake stand", "tent"),
            "event": ("the wedding", "a birthday party", "the camping trip", "a job interview"),
        },
    ),
    Situation(
        key="retail.wrong_size",
        industry="retail",
        emotions=("disappointment", "anger", "neutral", "confusion"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "I ordered the {item} in size {size} (order {order}) but the label says {wrong_size}. "
            "I'm not sure if it's mislabelled or just the wrong one.",
            "Order {order}: the {item} I got is marked {wrong_size}, not the {size} I ordered, "
            "though it fits oddly like neither.",
        ),
        short="got {item} in {wrong_size} not {size}, order {order}",
        issue="the {item} in order {order} came marked {wrong_size} instead of {size}",
        impact="you still don't have a {item} that fits",
        action="get the {item} in the right size {size} to you",
        steps=(
            "I've reserved a {item} in size {size} for you; it ships today and arrives by {day}, "
            "and a prepaid return label for the {wrong_size} is attached to this message.",
            "A size {size} {item} is on its way with tracking by {day}; keep the other one until "
            "it arrives and drop it at any post office with the label I've emailed.",
        ),
        detail="order {order}",
        question="Could you tell me what the measurements on the inside label say, so I can work "
                 "out whether it's a labelling mistake or the wrong item?",
        closed_question="Is the size printed on the inside label also {wrong_size}?",
        slots={
            "item": ("running jacket", "pair of jeans", "wool coat", "linen dress", "hiking boots"),
            "size": ("M", "10", "32", "L", "42"),
            "wrong_size": ("S", "14", "28", "XL", "39"),
        },
    ),
    Situation(
        key="retail.refund_after_window",
        industry="retail",
        emotions=("disappointment", "anger", "confusion", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I'd like a full refund for the {item} I bought on {date} (order {order}). I know it's "
            "been {weeks} weeks but I only just opened it.",
            "Can I return the {item} from order {order}? It's been {weeks} weeks since I bought "
            "it but it's still in the box.",
        ),
        short="want a refund on the {item}, order {order}, bought {weeks} weeks ago",
        issue="the {item} you bought {weeks} weeks ago (order {order}) turned out not to be right "
              "for you",
        impact="you've only just opened it",
        action="get you store credit for the {item}",
        steps=(
            "I've issued store credit of {amount} for the {item} to your account just now; it "
            "shows at checkout straight away and doesn't expire.",
            "Bring the {item} to any of our stores or use the prepaid label I've emailed, and the "
            "{amount} credit lands on your account within two days of it reaching us.",
        ),
        detail="order {order}",
        refusal="give a cash refund on the {item}",
        reason="our 30-day refund window closed on the order {weeks} weeks after purchase",
        alternative="give you full store credit for the {item}, which never expires",
        cave="refund the full {amount} to your card anyway",
        slots={
            "item": ("coffee machine", "air fryer", "blender", "rug", "desk chair"),
            "weeks": ("seven", "nine", "eleven", "six"),
        },
    ),
    Situation(
        key="retail.missing_parcel",
        industry="retail",
        emotions=("anger", "fear", "confusion"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "Tracking for order {order} says delivered on {date} at {time} but nothing came. I've "
            "checked with my neighbours and the building's post room.",
            "My parcel (order {order}, the {item}) shows as delivered {date} but it's not here. "
            "I was home all day.",
        ),
        short="order {order} says delivered, nothing here",
        issue="order {order} shows as delivered on {date} but never reached you",
        impact="you were home all day and still have no {item}",
        action="trace the parcel and replace the {item} if it isn't found",
        steps=(
            "I've opened a trace with the courier; they report back by {day}, and if the parcel "
            "isn't found I'll send a replacement {item} the same day.",
            "I've asked the driver for the delivery photo and GPS point; you'll hear from me by "
            "{day} either way, with a replacement {item} or a full refund of {amount}.",
        ),
        detail="the tracking for order {order}",
        question="Could you tell me a bit about where parcels are usually left at your address "
                 "— a porch, a locker, a neighbour?",
        closed_question="Do you have a safe place set up for deliveries?",
        slots={"item": ("headphones", "laptop bag", "smart watch", "set of saucepans", "printer")},
    ),
    Situation(
        key="retail.discount_not_applied",
        industry="retail",
        emotions=("confusion", "anger", "neutral"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "I used the code {code} on order {order} but I was charged the full {amount}. The "
            "code said {percent} off.",
            "Why wasn't my {percent} discount applied? Code {code}, order {order}, I paid "
            "{amount}.",
        ),
        short="code {code} didn't apply on order {order}, charged {amount}",
        issue="the {code} code didn't take the {percent} off order {order}",
        impact="you paid the full {amount} when you expected a discount",
        action="refund the {percent} difference on order {order}",
        steps=(
            "I've refunded the {percent} difference on order {order} to your card; it shows within "
            "3 working days and you'll get a confirmation email in the next few minutes.",
            "The {percent} refund for order {order} is processed today, and I've added the {code} "
            "saving to your account so it's there if anything else goes wrong.",
        ),
        detail="order {order} and the {code} code",
        question="Could you walk me through what you saw at checkout when you entered {code}?",
        closed_question="Did you see a message saying the code was accepted?",
        slots={
            "code": ("SPRING15", "WELCOME20", "FRIENDS10", "BLACKFRI25"),
            "percent": ("15%", "20%", "10%", "25%"),
        },
    ),
    Situation(
        key="retail.price_match",
        industry="retail",
        emotions=("disappointment", "anger", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I bought the {item} on {date} for {amount} and two days later it's on sale for much "
            "less. I want the difference back.",
            "The {item} I ordered (order {order}) dropped in price the day after. Please refund "
            "the difference.",
        ),
        short="{item} dropped in price day after I bought it, refund the difference?",
        issue="the {item} went on sale just after you paid {amount} for it",
        impact="you'd only had it two days when the price dropped",
        action="set up the return-and-rebuy for the {item}",
        steps=(
            "I've emailed a prepaid return label for the {item}; once it's scanned, reorder at the "
            "sale price and the original {amount} is refunded within 3 days.",
            "I've added a {voucher} voucher to your account today as a goodwill gesture; it works "
            "on your next order and lasts a year.",
        ),
        detail="your {item} order",
        refusal="refund the price difference on the {item}",
        reason="we don't price-match our own sales after purchase",
        alternative="send you a prepaid label so you can return it and rebuy at the sale price",
        cave="refund the price difference on the {item} anyway",
        slots={
            "item": ("sofa", "television", "bike", "espresso grinder", "mattress"),
            "voucher": ("£15", "$20", "€10"),
        },
    ),
    Situation(
        key="retail.praise_care_question",
        industry="retail",
        emotions=("positive",),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "The {item} arrived a day early and it's gorgeous! Quick question — can it go in the "
            "dishwasher?",
            "Just wanted to say the {item} is perfect and the packaging was lovely. How should I "
            "clean it?",
        ),
        short="love the {item}! dishwasher safe?",
        issue="the {item} arrived early and you love it",
        impact="it's exactly what you were hoping for",
        action="send you the care guide for the {item}",
        steps=(
            "The {item} is hand-wash only — warm water and a soft cloth — and I've emailed you the "
            "care card with a few tips.",
        ),
        detail="the care notes for your {item}",
        slots={"item": ("stoneware bowl set", "copper kettle", "glaze mug set", "oak board")},
    ),
)
