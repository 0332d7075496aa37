"""Tickets, gyms and hotel stay situations."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="leisure.event_cancelled",
        industry="leisure",
        emotions=("disappointment", "anger"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "The {artist} show on {date} was cancelled and I've heard nothing about a refund "
            "for my {amount}.",
            "{artist} cancelled weeks ago. Where's my {amount}?",
        ),
        short="{artist} cancelled, where is my {amount} refund",
        issue="the {artist} show on {date} was cancelled and your refund hasn't come",
        impact="you're still {amount} out of pocket weeks later",
        action="get your {amount} back to you",
        steps=(
            "Your {amount} refund, booking fee included, is processed today and reaches your "
            "card in 3 to 5 working days.",
        ),
        detail="your {artist} tickets",
        slots={"artist": ("The Lumineers", "Burna Boy", "Arctic Monkeys", "Rosalía")},
    ),
    Situation(
        key="leisure.ticket_transfer",
        industry="leisure",
        emotions=("disappointment", "neutral", "anger"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I can't go to {artist} on {date} any more. Can you put my tickets in my friend's "
            "name?",
            "Please transfer my {artist} tickets to my friend, I'm away that week.",
        ),
        short="can't go to {artist}, transfer tickets to my friend?",
        issue="you can't make the {artist} show on {date}",
        impact="you'd been looking forward to it",
        action="get your tickets to someone who can go",
        steps=(
            "I've listed your tickets on our official resale page at face value; when they sell, "
            "the {amount} goes straight back to your card.",
        ),
        refusal="put the tickets in another name",
        reason="the artist has made this show non-transferable to stop touting",
        alternative="list them on our official resale page at face value, {amount}",
        cave="change the name on the tickets anyway",
        detail="your {artist} booking",
        slots={"artist": ("Adele", "Coldplay", "Stormzy", "Taylor Swift")},
    ),
    Situation(
        key="leisure.gym_cancellation",
        industry="leisure",
        emotions=("anger", "disappointment", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I'm moving to {city} and want to cancel my membership at {gym}. Why is there a "
            "{amount} cancellation fee?",
            "Cancelling my {gym} membership, moving to {city}. I'm not paying {amount} for that.",
        ),
        short="moving to {city}, cancel gym, no {amount} fee",
        issue="you're moving to {city} and face a {amount} fee to leave {gym}",
        impact="you won't be anywhere near {gym} any more",
        action="sort your membership out before you move",
        steps=(
            "I've moved your membership to our {city} club from {date} at the same monthly price, "
            "with no fee, and your new key fob will be waiting at their front desk.",
        ),
        refusal="waive the {amount} cancellation fee",
        reason="your membership is in its minimum twelve-month term",
        alternative="transfer your membership to our {city} club at no cost",
        cave="cancel it today with no fee",
        detail="your {gym} membership",
        slots={"gym": ("Pulse Central", "Pulse Riverside", "Pulse Eastgate"),
               "city": ("Bristol", "Manchester", "Cardiff")},
    ),
    Situation(
        key="leisure.hotel_noise",
        industry="leisure",
        emotions=("anger", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "Room {room} was next to a wedding party until 3 am. We didn't sleep at all and "
            "we're here {nights} more nights.",
            "No sleep in room {room} — party next door until 3. We asked for a quiet room when "
            "we booked.",
        ),
        short="room {room} next to party till 3am, no sleep",
        issue="room {room} was next to a party until 3 am",
        impact="you'd asked for a quiet room and didn't sleep at all",
        action="get you a quiet room from tonight",
        steps=(
            "I've refunded last night, {amount}, and moved you to a quiet top-floor room from "
            "today; your bags will be taken up by 2 pm.",
        ),
        detail="your stay in room {room}",
        slots={"room": ("214", "118", "305", "412"), "nights": ("two", "three", "four")},
    ),
    Situation(
        key="leisure.class_booking",
        industry="leisure",
        emotions=("confusion", "anger", "disappointment"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "The app shows my {class_name} class as booked, but at the desk they said I wasn't on "
            "the list and turned me away.",
            "Booked {class_name} on {day}, app says confirmed, front desk says no booking. Which "
            "is it?",
        ),
        short="app says {class_name} booked, desk turned me away",
        issue="you were turned away from {class_name} even though the app showed you as booked",
        impact="you'd planned your day around it",
        action="find out why the booking didn't carry over and fix it",
        steps=(
            "I've reserved you a place in {class_name} on {day} and added you to the front-desk "
            "list myself; the app team is fixing the sync bug this week.",
        ),
        question="Could you tell me which class and time you'd booked, and whether you got a "
                 "confirmation email?",
        closed_question="Did you book through the app rather than the website?",
        detail="your class bookings",
        slots={"class_name": ("spin", "yoga", "HIIT", "aqua aerobics")},
    ),
    Situation(
        key="leisure.praise_lost_wallet",
        industry="leisure",
        emotions=("positive",),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "Thank you to {staff} at {venue} for finding my wallet and keeping it safe! Can I "
            "collect it tomorrow?",
            "{staff} at {venue} tracked me down to return my wallet. Amazing! When can I pick it "
            "up?",
        ),
        short="thanks {staff} for finding my wallet! collect tmrw?",
        issue="{staff} at {venue} found your wallet and kept it safe",
        impact="you'd have lost your cards and ID",
        action="make sure your wallet is ready for you",
        steps=(
            "Your wallet is at the {venue} front desk; bring photo ID any time from 8 am tomorrow, "
            "and I've passed your thanks to {staff}.",
        ),
        detail="the lost-property log at {venue}",
        slots={"staff": ("Marek", "Tasha", "Ibrahim"),
               "venue": ("Lakeside Hotel", "Pulse Central", "the Riverside box office")},
    ),
)
