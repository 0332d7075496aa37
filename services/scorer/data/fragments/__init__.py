"""Hand-written text fragments the dataset generator composes; one module per kind of text."""

from __future__ import annotations

from services.scorer.data.fragments import (
    situations_banking,
    situations_food,
    situations_howto,
    situations_insurance,
    situations_leisure,
    situations_more,
    situations_retail,
    situations_software,
    situations_telecom,
    situations_travel,
    situations_utilities,
)
from services.scorer.data.situation import Situation

ALL_SITUATIONS: tuple[Situation, ...] = (
    *situations_retail.SITUATIONS,
    *situations_telecom.SITUATIONS,
    *situations_banking.SITUATIONS,
    *situations_travel.SITUATIONS,
    *situations_software.SITUATIONS,
    *situations_utilities.SITUATIONS,
    *situations_food.SITUATIONS,
    *situations_insurance.SITUATIONS,
    *situations_leisure.SITUATIONS,
    *situations_howto.SITUATIONS,
    *situations_more.SITUATIONS,
)
