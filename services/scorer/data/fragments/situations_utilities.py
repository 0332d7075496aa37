"""Energy and water situations."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="utilities.estimated_bill",
        industry="utilities",
        emotions=("anger", "confusion", "fear"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "My bill says I owe {amount} based on an estimate. I sent you a meter reading on "
            "{date}!",
            "Estimated bill of {amount}?? I submitted my reading on {date}, why wasn't it used?",
        ),
        short="estimated bill {amount}, sent reading on {date}",
        issue="your bill of {amount} was based on an estimate even though you sent a reading on "
              "{date}",
        impact="you did exactly what we asked and still got the wrong bill",
        action="rebill you on your actual reading",
        steps=(
            "I've replaced the estimate with your {date} reading; the corrected bill, {lower}, "
            "arrives by email today, and the {amount} direct debit is cancelled.",
        ),
        question="Could you tell me today's reading and which meter it's from?",
        closed_question="Was the reading you sent on {date} from the electricity meter?",
        detail="the reading you sent on {date}",
        slots={"lower": ("£61.40", "$72.10", "€48.95")},
    ),
    Situation(
        key="utilities.missed_meter_fit",
        industry="utilities",
        emotions=("anger", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "Your engineer was meant to fit my smart meter on {day}. I waited in all day and "
            "nobody came or called.",
            "Smart meter appointment {day}, 8 to 6. I cancelled a hospital visit for it. No one "
            "showed up.",
        ),
        short="waited all {day} for smart meter fitter, no one came",
        issue="nobody came to fit your smart meter on {day}",
        impact="you gave up a whole day to wait in",
        action="rebook the fitting at a time that suits you and make up for the wasted day",
        steps=(
            "Your fitting is rebooked for {day} between 8 and 10 am, the engineer will call when "
            "they set off, and I've added {amount} to your account for the missed visit.",
        ),
        detail="the appointment record for {day}",
    ),
    Situation(
        key="utilities.bill_write_off",
        industry="utilities",
        emotions=("fear", "disappointment", "anger"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I can't pay this {amount} bill in one go. Can you wipe some of it off?",
            "There's no way I can find {amount} this month. Please reduce the bill.",
        ),
        short="cant pay {amount} bill, can you reduce it",
        issue="the {amount} bill is more than you can pay in one go",
        impact="finding that much in one month isn't possible for you",
        action="make the bill manageable",
        steps=(
            "I've split the {amount} into {instalments} monthly payments of {part} with no "
            "interest, starting on {date}, and I've applied for the {scheme} for you.",
        ),
        refusal="write off part of the {amount} bill",
        reason="we can't reduce what's owed for energy already used",
        alternative="split the {amount} into {instalments} interest-free payments of {part} and "
                    "apply for the {scheme} for you",
        cave="write off half the bill",
        detail="your account balance",
        slots={"instalments": ("six", "ten", "twelve"), "part": ("£24", "$31", "€19"),
               "scheme": ("Warm Home Discount", "hardship fund", "winter support credit")},
    ),
    Situation(
        key="utilities.power_cut_medical",
        industry="utilities",
        emotions=("fear", "anger"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "We've had no power since {time} and my {relative} relies on an {device}. The backup "
            "battery won't last long.",
            "Power's been off since {time}. My {relative} is on an {device} at home. Please "
            "help.",
        ),
        short="no power since {time}, {relative} on {device}",
        issue="your power has been off since {time}",
        impact="your {relative} relies on an {device}",
        action="get power to your home as fast as possible",
        steps=(
            "Your home is now on the priority register: a generator van reaches you within the "
            "hour, and the repair crew expects power back by 9 pm.",
        ),
        detail="the fault report for your street",
        slots={"relative": ("father", "wife", "son", "grandmother"),
               "device": ("oxygen concentrator", "electric wheelchair", "home dialysis machine")},
    ),
    Situation(
        key="utilities.final_bill_move",
        industry="utilities",
        emotions=("confusion", "anger", "neutral"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "I moved out of {street} on {date} but I'm still getting bills for it.",
            "Why am I still billed for {street}? I left on {date} and told you.",
        ),
        short="still billed for {street}, moved out {date}",
        issue="you're still being billed for {street} after moving out on {date}",
        impact="you're paying for a home you no longer live in",
        action="close the account at {street} properly",
        steps=(
            "I've closed your account at {street} as of {date}; the final bill arrives within 5 "
            "days, and any credit is refunded to your card.",
        ),
        question="Could you tell me the final meter reading from the day you moved out, if you "
                 "have it?",
        closed_question="Did you give us a final reading on {date}?",
        detail="your account for {street}",
        slots={"street": ("14 Mill Lane", "Flat 3, Orchard Court", "22 Rue Victor Hugo",
                          "7 Elm Street")},
    ),
    Situation(
        key="utilities.direct_debit_rise",
        industry="utilities",
        emotions=("confusion", "anger", "fear"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "My direct debit went up from {old} to {new} without any warning.",
            "Why has my monthly payment jumped to {new}? It was {old}.",
        ),
        short="direct debit up from {old} to {new}??",
        issue="your direct debit jumped from {old} to {new}",
        impact="it came with no warning you noticed",
        action="set your payment at the right level",
        steps=(
            "I've reviewed your usage: {middle} a month covers it, so I've set that from {date}, "
            "and a confirmation letter is on its way this week.",
        ),
        question="Could you tell me whether your household's use has changed recently — new "
                 "appliances, someone working from home?",
        closed_question="Did you get our letter about the new rates?",
        detail="your payment history",
        slots={"old": ("£85", "$110", "€70"), "new": ("£140", "$175", "€115"),
               "middle": ("£104", "$128", "€86")},
    ),
    Situation(
        key="utilities.burst_main",
        industry="utilities",
        emotions=("anger", "fear"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "Water has been pouring out of the pipe outside {street} for {days} days. My "
            "driveway is flooded.",
            "Burst main outside {street}, reported {days} days ago, still gushing. My garage is "
            "taking on water.",
        ),
        short="burst pipe outside {street} {days} days, driveway flooded",
        issue="water has been pouring from the main outside {street} for {days} days",
        impact="your driveway and garage are flooding",
        action="get the main repaired and your driveway cleared",
        steps=(
            "A repair crew is booked for 8 am tomorrow, and they'll pump out your driveway that "
            "same morning; any damage claim form is attached to this message.",
        ),
        detail="the leak report for {street}",
        slots={"street": ("14 Mill Lane", "Orchard Court", "7 Elm Street")},
    ),
    Situation(
        key="utilities.praise_app",
        industry="utilities",
        emotions=("positive",),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "Love that I can see my usage every hour in the app now! Does the green tariff cost "
            "more?",
            "The new usage graphs are great, thank you! Quick one — is the green tariff pricier?",
        ),
        short="love the hourly usage graphs! is green tariff pricier?",
        issue="you're enjoying the hourly usage graphs",
        impact="it's helping you see where your energy goes",
        action="switch you to the green tariff",
        steps=(
            "The green tariff costs the same per unit as yours; I can switch you from {date}, "
            "with nothing for you to do.",
        ),
        detail="your tariff",
    ),
)
