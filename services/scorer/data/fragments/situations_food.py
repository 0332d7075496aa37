"""Food delivery situations."""

from __future__ import annotations

from services.scorer.data.situation import Situation

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        key="food.missing_items",
        industry="food",
        emotions=("anger", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "My order {order} from {restaurant} arrived without the {dish}. That was my kid's "
            "dinner.",
            "No {dish} in order {order}. Paid {amount} and half the meal is missing.",
        ),
        short="order {order} missing the {dish}",
        issue="order {order} from {restaurant} arrived without the {dish}",
        impact="that was your child's dinner",
        action="refund the {dish} and get dinner sorted tonight",
        steps=(
            "I've refunded the {dish} to your card just now, and a fresh one from {restaurant} is "
            "on its way with a driver, arriving within 30 minutes.",
        ),
        detail="order {order}",
        slots={"restaurant": ("Mama Rosa's", "Golden Wok", "Spice Route", "Burger Barn"),
               "dish": ("kids' pasta", "chicken katsu", "veggie burger", "fried rice")},
    ),
    Situation(
        key="food.late_cold",
        industry="food",
        emotions=("anger", "disappointment"),
        fault=True, refuse=False, ambiguous=False,
        customer=(
            "Order {order} turned up an hour late and stone cold. We'd planned a {occasion}.",
            "Food arrived 70 minutes after the estimate and it was cold. Order {order}, ruined "
            "our {occasion}.",
        ),
        short="order {order} an hour late and cold",
        issue="order {order} turned up an hour late and cold",
        impact="it spoiled your {occasion}",
        action="refund the order and make it up to you",
        steps=(
            "I've refunded the full {amount} for order {order} to your card, and there's a free "
            "delivery credit on your account for your next three orders.",
        ),
        detail="order {order}",
        slots={"occasion": ("birthday dinner", "film night", "anniversary meal")},
    ),
    Situation(
        key="food.allergy_mistake",
        industry="food",
        emotions=("fear", "anger"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "I wrote 'NO peanuts, severe allergy' on order {order} and the {dish} had peanuts in "
            "it.",
            "The {dish} from {restaurant} had peanuts despite the allergy note on order {order}. "
            "My son has a serious allergy.",
        ),
        short="allergy note ignored, peanuts in {dish}, order {order}",
        issue="the {dish} in order {order} had peanuts despite your allergy note",
        impact="someone in your home has a severe allergy",
        action="make sure this can't happen again with {restaurant}",
        steps=(
            "I've refunded the whole order, and {restaurant} is paused on our platform from now "
            "until our food-safety team checks their allergen handling this week.",
        ),
        question="Could you tell me whether anyone ate any of it, and how they're feeling now?",
        closed_question="Is everyone okay?",
        detail="order {order} and its allergy note",
        slots={"restaurant": ("Golden Wok", "Spice Route", "Thai Orchid"),
               "dish": ("pad thai", "satay skewers", "stir-fry")},
    ),
    Situation(
        key="food.refund_eaten",
        industry="food",
        emotions=("disappointment", "anger", "neutral"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "The {dish} was way too salty. I ate about half, but I want a full refund.",
            "Not happy with the {dish} from order {order}, too salty. Refund the whole order "
            "please.",
        ),
        short="{dish} too salty, refund whole order",
        issue="the {dish} from order {order} was far too salty",
        impact="the meal you were looking forward to wasn't enjoyable",
        action="refund the {dish} and pass your feedback on",
        steps=(
            "I've refunded the {dish} to your card today, and your feedback is with {restaurant}'s "
            "kitchen manager.",
        ),
        refusal="refund the whole order",
        reason="most of the meal was eaten",
        alternative="refund the {dish} itself and pass your feedback straight to {restaurant}",
        cave="refund the whole order anyway",
        detail="order {order}",
        slots={"restaurant": ("Mama Rosa's", "Burger Barn", "Spice Route"),
               "dish": ("ramen", "lasagne", "curry")},
    ),
    Situation(
        key="food.rude_courier",
        industry="food",
        emotions=("anger", "fear"),
        fault=True, refuse=False, ambiguous=True,
        customer=(
            "Your driver was really rude to me at the door tonight and swore at me in front of my "
            "kids.",
            "The courier on order {order} shouted at me because the gate code was slow. I don't "
            "feel comfortable.",
        ),
        short="driver swore at me at the door, order {order}",
        issue="the courier on order {order} swore at you at your own door",
        impact="it happened in front of your children",
        action="make sure that courier doesn't deliver to you again",
        steps=(
            "That courier is blocked from your deliveries from now on, and I've raised a conduct "
            "case today; our rider team reviews it within 48 hours and I'll tell you the outcome.",
        ),
        question="Could you tell me roughly what time it happened and what was said?",
        closed_question="Was this on order {order}?",
        detail="order {order}",
    ),
    Situation(
        key="food.membership_charge",
        industry="food",
        emotions=("confusion", "anger"),
        fault=False, refuse=True, ambiguous=False,
        customer=(
            "You charged me {amount} for a {plan} membership. I don't remember signing up. "
            "Refund it.",
            "What is this {amount} {plan} charge? I never agreed to a subscription.",
        ),
        short="{amount} {plan} charge?? never signed up",
        issue="you were charged {amount} for a {plan} membership you don't remember joining",
        impact="money left your account without you expecting it",
        action="stop the membership charging you",
        steps=(
            "The {plan} membership is cancelled as of now, so there are no further charges, and "
            "you'll get a cancellation email in the next few minutes.",
        ),
        refusal="refund this month's {amount}",
        reason="the membership covered {count} free deliveries on your account this month",
        alternative="cancel the membership right now so you're never charged again",
        cave="refund the {amount} anyway",
        detail="your {plan} membership",
        slots={"plan": ("DashPass", "Plate+", "Fork Club"), "count": ("three", "four", "five")},
    ),
)
