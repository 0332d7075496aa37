"""Telecom and broadband situations."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="telecom.outage_home_office",
        industry="telecom",
        emotions=("anger", "fear", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "My broadband has been down since {day} morning and I work from home. I've already "
            "lost {hours} hours of work and my manager is asking questions.",
            "No internet since {day}. I run my business from my kitchen table and I've lost "
            "{hours} hours of billable time.",
        ),
        short="broadband down since {day}, I work from home, lost {hours} hours",
        issue="your broadband has been down since {day}",
        impact="you work from home and have already lost {hours} hours of work",
        action="get your line working again and cover the time you've lost",
        steps=(
            "An engineer is booked for tomorrow between 8 and 10 am; a 4G backup router is on its "
            "way by courier today, and I've added a {amount} credit to your next bill.",
            "The fault is at the street cabinet and the repair crew is on site by {time} today; "
            "I'll text you the moment your line is back.",
        ),
        detail="the line test for your address",
        slots={"hours": ("six", "eleven", "fifteen", "twenty")},
    ),
    Situation(
        key="telecom.bill_jump",
        industry="telecom",
        emotions=("confusion", "anger", "fear"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "My bill this month is {amount} instead of the usual {usual}. I haven't changed a "
            "thing on my plan.",
            "Why is my bill {amount}? It's always {usual}. There's a charge on it called "
            "'{extra}' that I've never heard of.",
        ),
        short="bill is {amount} not {usual}?? whats {extra}",
        issue="your bill jumped to {amount} from the usual {usual}",
        impact="you haven't changed anything on your plan",
        action="go through the bill line by line and refund anything that's wrong",
        steps=(
            "The '{extra}' charge was added in error; I've removed it, a corrected bill of {usual} "
            "reaches your email today, and the refund shows on your card within 5 days.",
            "I've credited the difference back to your account today, so your next bill drops to "
            "{usual}, and I've blocked '{extra}' from being added again.",
        ),
        question="Could you tell me which lines on the bill look unfamiliar to you?",
        closed_question="Have you added any extras or subscriptions this month?",
        detail="your latest bill",
        slots={
            "usual": ("£32", "$45", "€29", "$60"),
            "extra": ("Premium Sport Add-on", "Data Boost Plus", "Device Care", "Content Pass"),
        },
    ),
    Situation(
        key="telecom.exit_fee",
        industry="telecom",
        emotions=("anger", "disappointment", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I'm moving to {city} where you've got no coverage, and you want {amount} to let me "
            "out of my contract. Waive it.",
            "We're relocating to {city} on {date}. Your signal doesn't reach there. Surely I don't "
            "have to pay {amount} to leave?",
        ),
        short="moving to {city}, no signal there, why pay {amount} to leave??",
        issue="you're being asked for a {amount} exit fee because you're moving to {city}",
        impact="the move to {city} leaves you without our signal through no choice of yours",
        action="work out what can move with you to {city}",
        steps=(
            "I've checked your new address in {city}: our partner network covers it, and I can "
            "switch your plan over on your moving day, {date}, with no fee at all.",
        ),
        refusal="waive the {amount} exit fee",
        reason="your contract still has {months} months to run and the fee is written into it",
        alternative="move your contract to our partner network in {city} at the same price",
        cave="waive the {amount} exit fee entirely",
        detail="your contract end date",
        slots={"city": ("Inverness", "Tromsø", "Dunedin", "Flagstaff"),
               "months": ("nine", "fourteen", "six")},
    ),
    Situation(
        key="telecom.engineer_no_show",
        industry="telecom",
        emotions=("anger", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "I took {day} off work for your engineer between 8 and 1, and nobody turned up. No "
            "call, no text, nothing.",
            "Third time now: engineer booked for {day}, I stayed in all morning, no show.",
        ),
        short="took {day} off for engineer, no show again",
        issue="the engineer didn't turn up for your {day} appointment",
        impact="you took the day off work to wait in",
        action="get an engineer to you at a time that suits you and make up for the lost day",
        steps=(
            "I've booked the first slot on {day}, 8 to 10 am, with a call 30 minutes before "
            "arrival, and I've added a {amount} credit to your account for the missed visit.",
            "Your new appointment is Saturday at 9 am, the engineer's manager has it flagged, and "
            "{amount} compensation goes onto your next bill.",
        ),
        detail="the appointment history on your account",
    ),
    Situation(
        key="telecom.roaming_charges",
        industry="telecom",
        emotions=("confusion", "anger", "fear"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "I was in {country} for a week and got charged {amount} in roaming. I thought roaming "
            "was included in my plan?",
            "There's {amount} of roaming on my bill from my trip to {country}. I barely used my "
            "phone.",
        ),
        short="{amount} roaming from {country}?? thought it was included",
        issue="your trip to {country} left {amount} of roaming on your bill",
        impact="you thought roaming was part of your plan",
        action="explain the roaming charges and see what can be reduced",
        steps=(
            "I've emailed you a day-by-day breakdown of the {amount}, and I've added the {country} "
            "roaming pass to your plan from today, so future trips cost a flat £2 a day.",
        ),
        question="Could you tell me which days you used mobile data while you were in "
                 "{country}?",
        closed_question="Did you turn on data roaming while you were away?",
        detail="the roaming records from your {country} trip",
        slots={"country": ("Switzerland", "Turkey", "Morocco", "Norway", "Serbia")},
    ),
    Situation(
        key="telecom.slow_speeds",
        industry="telecom",
        emotions=("anger", "disappointment", "confusion"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "I pay for {speed} but every evening speed tests show {actual}. It's been like this "
            "for weeks.",
            "My {speed} fibre crawls at {actual} after 6 pm. The kids can't even do homework.",
        ),
        short="paying for {speed}, getting {actual} every evening",
        issue="you're getting {actual} in the evenings on a {speed} plan",
        impact="you've been paying for a speed you haven't had for weeks",
        action="find out why your evening speeds drop and fix it",
        steps=(
            "I've run a line test and scheduled a remote reset for 11 pm tonight; if evening "
            "speeds are still under {speed} by {day}, an engineer visit is already booked for that "
            "morning.",
        ),
        question="Could you tell me whether the slowdown happens on every device, or mainly on "
                 "one?",
        closed_question="Are you testing over wi-fi rather than a cable?",
        detail="the speed history for your line",
        slots={"speed": ("500 Mbps", "150 Mbps", "1 Gbps"), "actual": ("12 Mbps", "4 Mbps",
                                                                       "30 Mbps")},
    ),
    Situation(
        key="telecom.number_port",
        industry="telecom",
        emotions=("fear", "anger"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "I moved my number to you on {date} and it still doesn't work. My {dependent} can't "
            "reach me.",
            "It's been {days} days since I switched my number over and I still can't receive "
            "calls. My {dependent} can't get hold of me.",
        ),
        short="number transfer still not done, {dependent} cant reach me",
        issue="your number still isn't working after moving it to us on {date}",
        impact="your {dependent} can't reach you",
        action="finish moving your number today",
        steps=(
            "I've escalated the transfer to our numbering team as a priority; it completes by "
            "{time} today and I'll text your new SIM to confirm.",
        ),
        detail="the transfer request for your number",
        slots={"dependent": ("kids' school", "elderly mother", "care worker", "son's nursery")},
    ),
    Situation(
        key="telecom.early_upgrade",
        industry="telecom",
        emotions=("neutral", "disappointment", "anger"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I want the new {phone} now. My contract ends in {months} months — can I upgrade "
            "early without paying anything?",
            "Can I get the {phone} today? I've been with you for years, so I shouldn't have to "
            "pay off the last {months} months.",
        ),
        short="can I upgrade to {phone} early for free?",
        issue="you'd like the {phone} now, {months} months before your contract ends",
        impact="you've been a customer for years",
        action="find you the cheapest way onto the {phone}",
        steps=(
            "I've reserved a {phone} at today's price for your upgrade date, {date}, and I'll "
            "message you a week before so it ships the same day.",
        ),
        refusal="upgrade you to the {phone} for free",
        reason="your current handset isn't paid off until {date}",
        alternative="lock in the {phone} at today's price for your upgrade date",
        cave="upgrade you to the {phone} early at no cost",
        detail="your upgrade date",
        slots={"phone": ("Pixel 10", "iPhone 17", "Galaxy S26", "Xperia 2"),
               "months": ("four", "seven", "three")},
    ),
)
