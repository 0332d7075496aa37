"""How-to questions across industries: nothing went wrong and nothing must be refused.

They keep the scorer from learning that every ticket is a complaint: no apology is owed here, and
a reply that apologises anyway is not scored on apology.
"""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="retail.change_address",
        industry="retail",
        emotions=("neutral", "confusion", "fear"),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "How do I change the delivery address on order {order}? I'm moving on {date} and it "
            "hasn't shipped yet.",
            "I'm moving house on {date}. Can order {order} go to my new address instead?",
        ),
        short="can order {order} go to my new address? moving {date}",
        issue="you're moving on {date} and order {order} is still set to your old address",
        impact="the parcel could end up at a house you've left",
        action="point order {order} at your new address",
        steps=(
            "I've changed the delivery address on order {order} to your new home; it ships on "
            "{day} and the confirmation email with the new address is on its way now.",
        ),
        detail="order {order}",
    ),
    Situation(
        key="telecom.router_setup",
        industry="telecom",
        emotions=("confusion", "neutral", "anger"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "I've plugged in the new router but the light keeps flashing {colour}. What am I "
            "supposed to do?",
            "New router, set it up as the leaflet says, light is flashing {colour}. Help?",
        ),
        short="new router light flashing {colour}, what do i do",
        issue="the new router's light keeps flashing {colour}",
        impact="you followed the leaflet and still aren't online",
        action="get your new router online",
        steps=(
            "I've pushed a fresh set-up to your router from our side; give it ten minutes, and if "
            "the light isn't solid white by {time}, I'll call you to walk through it.",
        ),
        question="Could you tell me which cable goes into the grey socket on the back of the "
                 "router?",
        closed_question="Is the router plugged into the socket marked 'DSL'?",
        detail="your router's connection log",
        slots={"colour": ("orange", "red", "blue")},
    ),
    Situation(
        key="banking.joint_account",
        industry="banking",
        emotions=("neutral", "positive", "confusion"),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "How do I add my partner {partner} to my current account? We've just got married!",
            "We'd like to turn my account into a joint one with {partner}. What do we need?",
        ),
        short="how do I add {partner} to my account?",
        issue="you'd like to add {partner} to your current account",
        impact="you've just started sharing your finances",
        action="set up the joint account with {partner}",
        steps=(
            "I've sent {partner} an invitation link by email; once they verify their ID in the "
            "app, the joint account is live the same day, and your card and details stay the same.",
        ),
        detail="your current account",
        slots={"partner": ("Sam", "Amina", "Jonas", "Lucía")},
    ),
    Situation(
        key="travel.baggage_allowance",
        industry="travel",
        emotions=("neutral", "confusion", "fear"),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "What's the baggage allowance on booking {ref}? I'm bringing {item} and I don't want "
            "a surprise at the airport.",
            "Can I take {item} on booking {ref}, or do I need to pay extra?",
        ),
        short="can I bring {item} on booking {ref}?",
        issue="you're bringing {item} on booking {ref}",
        impact="you don't want a surprise charge at the airport",
        action="make sure {item} is covered on booking {ref}",
        steps=(
            "Booking {ref} includes one 23 kg bag; I've added {item} to it as special baggage at "
            "no charge, and it's printed on your updated e-ticket now.",
        ),
        detail="booking {ref}",
        slots={"item": ("a folding wheelchair", "golf clubs", "a guitar", "a pushchair")},
    ),
    Situation(
        key="software.bulk_export_how",
        industry="software",
        emotions=("neutral", "confusion"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "How do I export all our {records} to Excel? I can only see an export button for one "
            "page at a time.",
            "Is there a way to download every one of our {records} at once?",
        ),
        short="how to export all {records} at once?",
        issue="you can only export your {records} one page at a time",
        impact="doing it page by page would take hours",
        action="get all your {records} out in one file",
        steps=(
            "I've started a full export of your {records}; the Excel file will be emailed to you "
            "within the hour, and the 'Export all' option is under Settings, then Data.",
        ),
        question="Could you tell me roughly how many {records} you have, and whether you need "
                 "the archived ones too?",
        closed_question="Do you have admin rights on the workspace?",
        detail="your workspace's {records}",
        slots={"records": ("contacts", "invoices", "projects", "time entries")},
    ),
    Situation(
        key="utilities.smart_meter_reading",
        industry="utilities",
        emotions=("confusion", "neutral"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "The screen on my new smart meter shows several different numbers. Which one is the "
            "reading you want?",
            "Which number on the smart meter do I send you? There's {count} of them.",
        ),
        short="which number on smart meter is the reading?",
        issue="the smart meter screen shows {count} different numbers",
        impact="you want to send the right reading",
        action="show you exactly which number to read",
        steps=(
            "Press button 9 until the screen says 'IMP KWH'; that number is the reading, and I've "
            "emailed you a photo guide of your meter model.",
        ),
        question="Could you tell me what's written on the sticker on the front of the meter?",
        closed_question="Does the screen show 'IMP KWH' at any point?",
        detail="your meter's details",
        slots={"count": ("four", "five", "three")},
    ),
    Situation(
        key="food.schedule_party_order",
        industry="food",
        emotions=("positive", "neutral"),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "Can I schedule an order from {restaurant} for {day} at {time}? It's for a party of "
            "{guests}.",
            "Is it possible to pre-order food for {guests} people for {day} evening?",
        ),
        short="pre-order for {guests} people {day} {time}?",
        issue="you'd like to pre-order for a party of {guests} on {day}",
        impact="you want the food there on time for your guests",
        action="set up your scheduled order for {day}",
        steps=(
            "Scheduled ordering is open for you now: choose {day}, {time} at checkout, and "
            "{restaurant} has confirmed they can cater for {guests}.",
        ),
        detail="your order history with {restaurant}",
        slots={"restaurant": ("Mama Rosa's", "Spice Route", "Golden Wok"),
               "guests": ("twelve", "twenty", "fifteen")},
    ),
    Situation(
        key="insurance.coverage_question",
        industry="insurance",
        emotions=("neutral", "fear", "confusion"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "Does my plan cover {treatment}? My GP has suggested it and I want to know before I "
            "book.",
            "Am I covered for {treatment}? Doctor recommended it.",
        ),
        short="am I covered for {treatment}?",
        issue="your GP suggested {treatment} and you want to know if you're covered",
        impact="you'd rather not book something you'll have to pay for yourself",
        action="confirm your cover for {treatment}",
        steps=(
            "Your plan covers {treatment} up to {amount} a year; I've emailed you the list of "
            "approved clinics near you and your pre-approval number.",
        ),
        question="Could you tell me which plan level you're on — it's on the front of your "
                 "membership card?",
        closed_question="Are you on the Plus or the Standard plan?",
        detail="your policy details",
        slots={"treatment": ("physiotherapy", "acupuncture", "a hearing test",
                             "counselling sessions")},
    ),
    Situation(
        key="leisure.accessibility",
        industry="leisure",
        emotions=("neutral", "fear", "positive"),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "Is the {venue} wheelchair accessible? My {relative} uses a wheelchair and we're "
            "coming on {date}.",
            "We're booked for {date} and my {relative} is a wheelchair user. Is there step-free "
            "access?",
        ),
        short="is {venue} wheelchair accessible? coming {date}",
        issue="your {relative} uses a wheelchair and you're visiting the {venue} on {date}",
        impact="you want the day to be easy for them",
        action="make sure the {venue} is ready for your {relative}",
        steps=(
            "The {venue} has step-free access from the side entrance; I've reserved two "
            "accessible seats for {date} and told the duty manager to expect you.",
        ),
        detail="your booking for {date}",
        slots={"venue": ("Riverside Arena", "Lakeside Hotel", "Grand Theatre"),
               "relative": ("mum", "husband", "daughter", "grandad")},
    ),
    Situation(
        key="retail.gift_note",
        industry="retail",
        emotions=("positive", "neutral"),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "Could you gift wrap order {order} and add a note saying '{note}'? It's a surprise!",
            "Is it too late to add gift wrap and a little card to order {order}?",
        ),
        short="gift wrap order {order} + note '{note}'?",
        issue="order {order} is a surprise gift",
        impact="you want it to arrive looking special",
        action="gift wrap order {order} with your note",
        steps=(
            "Order {order} will be gift wrapped with a card reading '{note}', and there'll be no "
            "prices in the box; it still ships on {day}.",
        ),
        detail="order {order}",
        slots={"note": ("Happy birthday, Gran!", "Congratulations!", "Welcome home")},
    ),
)
