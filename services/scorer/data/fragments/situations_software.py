"""Software-as-a-service situations."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="software.export_broken",
        industry="software",
        emotions=("fear", "anger"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "The CSV export has failed every time since {day}. I need the {report} for my board "
            "meeting on {date}.",
            "Export keeps erroring out. Board meeting on {date} and I can't get the {report} out "
            "of your system.",
        ),
        short="export broken since {day}, need {report} for board on {date}",
        issue="the CSV export has failed every time since {day}",
        impact="you need the {report} for your board meeting on {date}",
        action="get you the {report} today",
        steps=(
            "I've run the export for you by hand: the {report} file is attached to this message, "
            "and the fix for the export bug ships on {day}.",
        ),
        detail="the export logs for your workspace",
        slots={"report": ("quarterly revenue report", "customer list", "Q3 pipeline report",
                          "annual usage summary")},
    ),
    Situation(
        key="software.seat_billing",
        industry="software",
        emotions=("confusion", "anger", "neutral"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "We have {seats} people on our team but this month's invoice charges us for {billed} "
            "seats.",
            "Invoice {ref} bills {billed} seats. We're a team of {seats}. What happened?",
        ),
        short="billed {billed} seats, we have {seats} people",
        issue="invoice {ref} charges for {billed} seats when your team is {seats}",
        impact="you're paying for people who aren't there",
        action="correct the seat count and credit the difference",
        steps=(
            "I've credited the extra seats, {amount}, to your next invoice, and seat counts now "
            "update the same day someone is removed.",
        ),
        question="Could you tell me whether anyone left the team or was deactivated this month?",
        closed_question="Are any of the extra seats guest accounts?",
        detail="invoice {ref}",
        slots={"seats": ("12", "8", "25"), "billed": ("19", "14", "31")},
    ),
    Situation(
        key="software.feature_request",
        industry="software",
        emotions=("disappointment", "neutral", "anger"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "Can you add {feature} for us? It's a dealbreaker for our team and we're on the "
            "{plan} plan.",
            "We really need {feature}. Without it we'll have to look at other tools.",
        ),
        short="need {feature} or we switch tools",
        issue="your team needs {feature} and it's a dealbreaker",
        impact="you might have to move tools without it",
        action="get your team as close to {feature} as possible",
        steps=(
            "I've sent you a short video of the {workaround} set-up, and your vote is on the "
            "{feature} request, so you'll get an email the moment it's scheduled.",
        ),
        refusal="build {feature} for your team",
        reason="it isn't on this year's roadmap",
        alternative="show you the {workaround} that covers most of it, and put your vote on the "
                    "request",
        cave="get {feature} built for you by next month",
        detail="your team's {plan} plan",
        slots={"feature": ("Gantt charts", "offline mode", "SAML single sign-on",
                           "custom invoice fields"),
               "plan": ("Team", "Business", "Starter"),
               "workaround": ("timeline view", "export-and-sync", "API integration")},
    ),
    Situation(
        key="software.outage_demo",
        industry="software",
        emotions=("anger", "fear", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "Your platform went down in the middle of my client demo at {time}. Everyone saw the "
            "error page.",
            "Outage at {time} today, right during my pitch to a new client. Embarrassing.",
        ),
        short="you went down during my client demo at {time}",
        issue="the platform went down in the middle of your client demo",
        impact="your client saw the error page",
        action="give you what you need to repair things with your client",
        steps=(
            "The outage was a database failover at {time} and it's fixed; I've written a short "
            "incident note you can forward to your client, and this month is credited to your "
            "account.",
        ),
        detail="the incident report from {time}",
    ),
    Situation(
        key="software.account_locked",
        industry="software",
        emotions=("fear", "confusion", "anger"),
        fault=False, refuse=False, ambiguous=True,
        customer=(
            "I'm locked out after resetting my password and the two-factor codes don't work. "
            "Payroll is due {day}.",
            "Can't log in. 2FA code rejected every time since the password reset. I run payroll "
            "from this account.",
        ),
        short="locked out, 2FA codes rejected, payroll due {day}",
        issue="you're locked out because the two-factor codes are rejected",
        impact="payroll runs from this account",
        action="get you back into your account safely",
        steps=(
            "I've reset your two-factor: a new setup link goes to your email in the next five "
            "minutes and stays valid until {time} today.",
        ),
        question="Could you tell me what happens when you enter the code — an error message, or "
                 "nothing at all?",
        closed_question="Do you still have the phone you set up two-factor with?",
        detail="the sign-in attempts on your account",
    ),
    Situation(
        key="software.annual_refund",
        industry="software",
        emotions=("neutral", "disappointment", "anger"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "We're cancelling. We paid {amount} for the annual plan in {month}; please refund "
            "the months we won't use.",
            "Please cancel our subscription and refund the rest of the {amount} annual fee.",
        ),
        short="cancel + refund rest of {amount} annual plan",
        issue="you're cancelling and want back the unused part of the {amount} annual plan",
        impact="you paid for months you won't use",
        action="close things down cleanly for your team",
        steps=(
            "Renewal is switched off as of today, and your workspace stays open until {date} so "
            "your team can export everything; I've sent the export guide to your admin.",
        ),
        refusal="refund the unused months",
        reason="annual plans are non-refundable after the first 30 days",
        alternative="switch off renewal now and keep the workspace open until {date} for "
                    "exports",
        cave="refund the unused months anyway",
        detail="your {month} invoice",
        slots={"month": ("January", "April", "September")},
    ),
    Situation(
        key="software.integration_errors",
        industry="software",
        emotions=("confusion", "anger"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "Our {integration} sync keeps failing with error {error} since {date}. Half our "
            "records are out of date.",
            "Error {error} on the {integration} integration, every hour, since {date}.",
        ),
        short="{integration} sync failing, error {error}",
        issue="the {integration} sync has failed with error {error} since {date}",
        impact="half your records are out of date",
        action="fix the {integration} sync and re-run the failed records",
        steps=(
            "Our engineers found the cause of error {error}; a fix is live by {time} today, and "
            "I'll re-run your failed syncs myself and email you the result.",
        ),
        question="Could you tell me roughly how many records fail — all of them, or only some?",
        closed_question="Did anyone change the {integration} permissions recently?",
        detail="the {integration} sync history",
        slots={"integration": ("Salesforce", "HubSpot", "Xero", "Shopify"),
               "error": ("E403", "SYNC-17", "429", "E-TIMEOUT")},
    ),
    Situation(
        key="software.praise_feature",
        industry="software",
        emotions=("positive",),
        fault=False, refuse=False, ambiguous=False,
        customer=(
            "The new {feature} saved my team hours this week. Is it coming to mobile too?",
            "Loving {feature}! Any plans for it on the phone app?",
        ),
        short="love {feature}! coming to mobile?",
        issue="{feature} saved your team hours this week",
        impact="it's already changing how your team works",
        action="get you early access on mobile",
        steps=(
            "Yes — {feature} comes to the mobile app in the {month} release, and I've added you "
            "to the early-access list.",
        ),
        detail="your team's workspace",
        slots={"feature": ("bulk edit", "smart inbox", "timeline view", "auto-scheduling"),
               "month": ("March", "June", "November")},
    ),
)
