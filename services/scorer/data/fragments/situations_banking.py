"""Banking and payments situations."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="banking.card_blocked_abroad",
        industry="banking",
        emotions=("fear", "anger"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "I'm in {city} and my card was declined at the hotel desk. I told you I was "
            "travelling before I left!",
            "My card got blocked in {city} even though I set a travel notice. I'm stuck at "
            "check-in with no way to pay.",
        ),
        short="card blocked in {city}, set travel notice, stuck at hotel",
        issue="your card was blocked in {city} even though you'd told us you were travelling",
        impact="you were left at the hotel desk with no way to pay",
        action="unblock your card and make sure it works for the rest of your trip",
        steps=(
            "Your card is unblocked as of {time}, and {city} is on your travel notice until "
            "{date}; try the payment again now and it will go through.",
        ),
        detail="your travel notice for {city}",
        slots={"city": ("Lisbon", "Nairobi", "Hanoi", "Montreal", "Kraków")},
    ),
    Situation(
        key="banking.double_charge",
        industry="banking",
        emotions=("anger", "fear", "confusion"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "I've been charged twice for the same {merchant} payment of {amount}. Both are on my "
            "statement from {date}.",
            "Two identical {amount} payments to {merchant} came out on {date}. I only paid once.",
        ),
        short="charged twice {amount} {merchant}",
        issue="you were charged twice for the {amount} {merchant} payment",
        impact="that's {amount} missing from your account",
        action="reverse the duplicate {amount} charge",
        steps=(
            "I've reversed the duplicate {amount} charge; it will be back in your account by "
            "{day}, and you'll get a text the moment it lands.",
        ),
        detail="the two {merchant} payments",
        slots={"merchant": ("Tesco", "Shell", "Uber", "IKEA", "Spotify")},
    ),
    Situation(
        key="banking.overdraft_fee",
        industry="banking",
        emotions=("anger", "disappointment", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "You charged me a {amount} overdraft fee because my salary arrived one day late. "
            "Please refund it.",
            "My wages were a day late on {date} and now there's a {amount} fee. Take it off.",
        ),
        short="{amount} overdraft fee, salary was 1 day late, refund pls",
        issue="a {amount} overdraft fee hit your account because your salary landed a day late",
        impact="the late salary wasn't your doing",
        action="stop a late salary from costing you again",
        steps=(
            "I've added a {buffer} fee-free buffer to your account from today, so a late salary "
            "won't trigger a fee again, and you'll get a text if you come within {buffer} of it.",
        ),
        refusal="refund the {amount} overdraft fee",
        reason="the fee was applied under the terms of your account",
        alternative="add a {buffer} fee-free buffer to your account from today",
        cave="refund the {amount} fee anyway",
        detail="the fee on your {date} statement",
        slots={"buffer": ("£50", "$100", "€75")},
    ),
    Situation(
        key="banking.transfer_pending",
        industry="banking",
        emotions=("fear", "confusion", "anger"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "I sent {amount} to my landlord on {date} and it's still pending. My rent is due "
            "on {day}.",
            "Why is my {amount} payment to my landlord still pending? Rent's due {day}.",
        ),
        short="rent payment {amount} still pending, due {day}",
        issue="your {amount} transfer to your landlord has been pending since {date}",
        impact="your rent is due on {day}",
        action="get the {amount} to your landlord before {day}",
        steps=(
            "I've asked our payments team to release the check on your {amount} transfer; it "
            "reaches your landlord by {time} today and I'll email you the confirmation.",
        ),
        question="Could you tell me the name on the receiving account exactly as you entered "
                 "it?",
        closed_question="Was this the first payment you've made to this account?",
        detail="the {amount} transfer",
    ),
    Situation(
        key="banking.fraud_suspicion",
        industry="banking",
        emotions=("fear", "confusion"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "There are {count} payments on my account to {merchant} that I don't recognise, "
            "about {amount} in total.",
            "I've just seen {count} card payments to {merchant} I never made. Is someone using "
            "my card?",
        ),
        short="{count} payments to {merchant} i didnt make",
        issue="there are {count} payments to {merchant} on your account you don't recognise",
        impact="someone may have your card details",
        action="freeze your card and get those payments investigated",
        steps=(
            "I've frozen your card, a new one arrives by {day}, and the {merchant} payments are "
            "now under a fraud claim; you'll hear the outcome within 10 working days.",
        ),
        question="Could you tell me when you last used your card yourself, and where?",
        closed_question="Do you still have your card with you?",
        detail="the {merchant} payments",
        slots={"count": ("three", "four", "six"), "merchant": ("SHOPNOW LTD", "GAMEZONE",
                                                               "TRVL*BOOK", "QPAY MARKET")},
    ),
    Situation(
        key="banking.app_login",
        industry="banking",
        emotions=("confusion", "anger"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "Since the app update on {date} it says 'session expired' every single time I log "
            "in. I can't see my balance.",
            "Your app won't let me in since {date}. It just says session expired.",
        ),
        short="app says session expired every time since {date}",
        issue="the app says 'session expired' every time you log in since the {date} update",
        impact="you can't check your balance or pay anyone",
        action="get you back into the app",
        steps=(
            "A fix for the login bug goes out in tonight's app update; until then online banking "
            "works normally, and I've reset your session so you can log in there now.",
        ),
        question="Could you tell me which phone and app version you're using?",
        closed_question="Have you tried reinstalling the app?",
        detail="the error log for your login",
    ),
    Situation(
        key="banking.payment_holiday",
        industry="banking",
        emotions=("fear", "disappointment", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "I've been put on reduced hours and can't make my {amount} loan payment this month. "
            "Can you just skip it?",
            "Can I have a break from my loan payments? My hours were cut and {amount} isn't "
            "possible this month.",
        ),
        short="hours cut, cant pay {amount} loan, can I skip a month?",
        issue="your hours were cut and the {amount} loan payment isn't possible this month",
        impact="your income has dropped through no fault of yours",
        action="get you support with the loan before the payment date",
        steps=(
            "Your affordability review is booked for {day} at {time}; late fees on the loan are "
            "frozen until it's done, and you'll get the adviser's name by email today.",
        ),
        refusal="skip this month's payment straight away",
        reason="a payment break needs a short affordability review first",
        alternative="book your review for {day} and freeze late fees until it's done",
        cave="skip this month's {amount} payment with no questions",
        detail="your loan account",
    ),
    Situation(
        key="banking.praise_adviser",
        industry="banking",
        emotions=("positive",),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "Just wanted to say {adviser} at your {branch} branch was brilliant helping me with "
            "my mortgage. How can I leave feedback?",
            "{adviser} in {branch} made my first mortgage so much less scary. Please pass on my "
            "thanks!",
        ),
        short="{adviser} at {branch} was brilliant, thank them!",
        issue="{adviser} at our {branch} branch looked after you so well",
        impact="your first mortgage felt far less daunting",
        action="pass your thanks to {adviser}",
        steps=(
            "I've passed your note to {adviser} and their manager at {branch} today, and it goes "
            "on their record too.",
        ),
        detail="your mortgage appointment with {adviser}",
        slots={"adviser": ("Gareth", "Mei Lin", "Abdul", "Rosa"),
               "branch": ("Leeds", "Harbour Street", "Riverside", "Kingsway")},
    ),
)
