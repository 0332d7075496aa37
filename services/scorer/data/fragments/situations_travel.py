"""Airline, hotel booking and travel situations."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="travel.cancelled_flight",
        industry="travel",
        emotions=("anger", "fear", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "Flight {flight} to {city} on {date} was cancelled two hours before departure. I "
            "have {event} there and no way of getting there.",
            "You cancelled {flight} with two hours' notice. I'm meant to be at {event} in {city} "
            "tomorrow.",
        ),
        short="{flight} cancelled, need to be in {city} for {event}",
        issue="flight {flight} to {city} was cancelled two hours before departure",
        impact="you have {event} in {city}",
        action="get you to {city} in time for {event}",
        steps=(
            "I've rebooked you on the 7:40 am flight tomorrow, seat 14C, and booked a hotel room "
            "by the airport for tonight; both confirmations are in your inbox now.",
            "You're confirmed on our partner's 6 pm flight today, landing at 8:15 pm, and a taxi "
            "voucher for the airport is attached to this message.",
        ),
        detail="your booking for flight {flight}",
        slots={"flight": ("BW 482", "AL 1207", "BW 96", "AL 330"),
               "city": ("Madrid", "Accra", "Glasgow", "Osaka"),
               "event": ("a funeral", "a wedding", "a job interview", "a graduation")},
    ),
    Situation(
        key="travel.lost_luggage",
        industry="travel",
        emotions=("anger", "fear"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "My suitcase didn't arrive on flight {flight}. It has my {contents} in it and I'm "
            "here for {days} days.",
            "Landed on {flight}, no bag. Everything I need is in there, including my {contents}.",
        ),
        short="bag didnt arrive on {flight}, {contents} in it",
        issue="your suitcase didn't arrive on flight {flight}",
        impact="your {contents} are in it",
        action="find your suitcase and get it to you",
        steps=(
            "Your bag is traced to the transfer airport and is on the next flight in; a courier "
            "brings it to your hotel by 9 pm tonight, and you can claim up to {amount} for "
            "essentials until then.",
        ),
        question="Could you describe the suitcase for me — colour, size, anything distinctive "
                 "on it?",
        closed_question="Did you get a file reference at the airport desk?",
        detail="the baggage record for flight {flight}",
        slots={"flight": ("BW 482", "AL 1207", "BW 96"),
               "contents": ("medication", "work laptop", "wedding outfit", "baby's formula")},
    ),
    Situation(
        key="travel.change_fee",
        industry="travel",
        emotions=("anger", "disappointment", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "My conference moved to {date}, so I need to change my flight. Why would I pay "
            "{amount} for that?",
            "Can you move my booking {ref} to {date} without the {amount} change fee? The event "
            "date changed, not my fault.",
        ),
        short="need to move flight to {date}, wont pay {amount} fee",
        issue="your conference moved and you'd need to pay {amount} to change your flight",
        impact="the date change wasn't your doing",
        action="find the cheapest way onto a {date} flight",
        steps=(
            "I've held a seat on the 6:10 am departure on {date} for you until midnight; reply "
            "'yes' and I'll move booking {ref} with no fee.",
        ),
        refusal="waive the {amount} change fee",
        reason="your ticket is a Light fare and the fee is part of it",
        alternative="move you to the 6:10 am flight on {date}, which has no fare difference and "
                    "no fee",
        cave="waive the {amount} change fee this time",
        detail="booking {ref}",
    ),
    Situation(
        key="travel.seat_not_honoured",
        industry="travel",
        emotions=("disappointment", "anger"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "I paid {amount} extra for an aisle seat because of my bad knee, and at the gate you "
            "moved me to a middle seat.",
            "Booked and paid for aisle seat 22C for my knee. Got bumped to a middle seat on "
            "{flight} with no explanation.",
        ),
        short="paid {amount} for aisle seat (bad knee), got middle seat",
        issue="you were moved out of the aisle seat you paid {amount} for",
        impact="you booked it because of your knee",
        action="refund the seat fee and protect your seat on future flights",
        steps=(
            "I've refunded the {amount} seat fee to your card today, and there's now an "
            "assistance note on your profile so your aisle seat is protected on every future "
            "booking.",
        ),
        detail="the seat record for flight {flight}",
        slots={"flight": ("BW 482", "AL 1207", "BW 96")},
    ),
    Situation(
        key="travel.hotel_booking_missing",
        industry="travel",
        emotions=("fear", "anger"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "I'm at the {hotel} reception and they have no record of my booking {ref}. It's "
            "{late} and I have nowhere to stay.",
            "Hotel says booking {ref} doesn't exist. I'm standing in the lobby of the {hotel} "
            "with my kids at {late}.",
        ),
        short="{hotel} has no record of booking {ref}, nowhere to stay",
        issue="the {hotel} has no record of your booking {ref}",
        impact="you're standing at reception at {late} with nowhere to stay",
        action="get you into a room tonight",
        steps=(
            "I've just called the {hotel}: your room is confirmed under booking {ref}, the key is "
            "at the desk in five minutes, and tonight is on us.",
        ),
        detail="booking {ref}",
        slots={"hotel": ("Harbour View Hotel", "Grand Central Inn", "Parkside Suites"),
               "late": ("11 pm", "midnight", "10:30 at night")},
    ),
    Situation(
        key="travel.transit_visa",
        industry="travel",
        emotions=("confusion", "fear"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "Do I need a visa for my layover in {hub} on the way to {city}? Your website says two "
            "different things on two different pages.",
            "I fly on {date} via {hub}. One page says I need a transit visa, another says I "
            "don't. Which is it?",
        ),
        short="need visa for {hub} layover? website says both",
        issue="our website gives two different answers about a visa for your {hub} layover",
        impact="you fly on {date} and need to know now",
        action="give you a definite answer on the {hub} transit",
        steps=(
            "For a layover under 24 hours that stays airside in {hub}, you don't need a visa; "
            "I've emailed you the official page to carry, and our web team corrects the wrong "
            "page today.",
        ),
        question="Could you tell me which passport you'll be travelling on, and whether you "
                 "plan to leave the airport in {hub}?",
        closed_question="Will you be staying airside during the layover?",
        detail="your itinerary through {hub}",
        slots={"hub": ("Doha", "Frankfurt", "Istanbul", "Dubai"),
               "city": ("Bangkok", "Lagos", "Toronto", "Nairobi")},
    ),
    Situation(
        key="travel.non_refundable",
        industry="travel",
        emotions=("disappointment", "anger", "fear"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I can't make my trip to {city} on {date} any more. I want my {amount} back.",
            "Please refund booking {ref}, {amount}. Plans have changed and I won't be travelling "
            "to {city}.",
        ),
        short="cant travel to {city} anymore, refund {amount}",
        issue="you can't make your {date} trip to {city} any more",
        impact="you'd paid {amount} for it",
        action="recover as much of the {amount} as possible",
        steps=(
            "I've turned the full {amount} into a travel credit on your account today; it's valid "
            "for twelve months on any route, and the airport taxes come back to your card within "
            "a week.",
        ),
        refusal="refund the {amount} fare",
        reason="the ticket was bought as non-refundable",
        alternative="turn the full {amount} into a twelve-month travel credit and refund the "
                    "airport taxes straight away",
        cave="refund the full {amount} anyway",
        detail="booking {ref}",
        slots={"city": ("Rome", "Cape Town", "Vancouver", "Seoul")},
    ),
    Situation(
        key="travel.praise_crew",
        industry="travel",
        emotions=("positive",),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "The crew on flight {flight} looked after my {relative} so well when they felt "
            "unwell. Please pass on our thanks!",
            "Huge thanks to the cabin crew on {flight} — they were so kind to my {relative}.",
        ),
        short="crew on {flight} were so kind to my {relative}, thank them!",
        issue="the crew on flight {flight} looked after your {relative} so well",
        impact="it turned a frightening moment into a manageable one",
        action="pass your thanks to the crew",
        steps=(
            "I've sent your message to the crew of flight {flight} and their manager today; "
            "it'll be read out at their next briefing.",
        ),
        detail="flight {flight}",
        slots={"flight": ("BW 482", "AL 1207", "BW 96"),
               "relative": ("grandmother", "dad", "little boy", "wife")},
    ),
)
