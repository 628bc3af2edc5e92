"""The readiness levels of GB/T 22900-2022 (科学技术研究项目评价通则) as the platform walks them: for each
level its short name, what must be true, and the evidence an assessor expects to see.

One translatable table. The short names follow the labels of the public implementation of GB/T 22900-2022 /
GB/T 41621-2022 named in the domain reference; the criteria and the evidence are the platform's own
paraphrase, written for applied-technology achievements. The full text of the standard was not available
when this table was written, so the criteria are not the standard's wording and differ from it for
basic-research projects: `SOURCE_NOTE` says so on every page that shows the table.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TRL_LABELS

SOURCE_NOTE = _(
    "Level names follow GB/T 22900-2022 as published in its public implementations; the criteria and the "
    "evidence listed are the platform's paraphrase for applied technology. The standard's full text was not "
    "available to check them word for word: they are guidance, not the standard's official wording."
)


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    criteria: tuple
    evidence: tuple


LEVELS: tuple[Level, ...] = (
    Level(
        1,
        TRL_LABELS[1],
        (
            _("A new phenomenon, problem or need has been observed and described."),
            _("The basic principle behind it has been reported."),
        ),
        (_("Research notes, a paper or a report describing the observation"),),
    ),
    Level(
        2,
        TRL_LABELS[2],
        (
            _("A technical solution that applies the principle has been formulated."),
            _("Its feasibility has been argued by analysis or literature."),
        ),
        (_("Technical proposal or feasibility study"), _("Novelty search report, if any")),
    ),
    Level(
        3,
        TRL_LABELS[3],
        (
            _("The key functions have been verified by a concept model, calculation or simulation."),
            _("The critical technical parameters have been identified."),
        ),
        (_("Simulation or calculation report"), _("Concept model test records")),
    ),
    Level(
        4,
        TRL_LABELS[4],
        (
            _("The key functions have been tested in a laboratory environment."),
            _("The test results meet the expected indicators."),
        ),
        (_("Laboratory test report"), _("Patent application, if any")),
    ),
    Level(
        5,
        TRL_LABELS[5],
        (
            _("A small-scale trial prototype has been made with the main components integrated."),
            _("It has been tested in a simulated use environment."),
        ),
        (_("Small-scale trial report"), _("Prototype test report by a testing body")),
    ),
    Level(
        6,
        TRL_LABELS[6],
        (
            _("A pilot-scale prototype has been made close to the final form."),
            _("It has been demonstrated at pilot scale in a relevant environment."),
        ),
        (_("Pilot test report"), _("Third-party test or inspection report")),
    ),
    Level(
        7,
        TRL_LABELS[7],
        (
            _("An engineering prototype has been tested in the real operating environment."),
            _("Production process and quality requirements have been drafted."),
        ),
        (_("Field test or user trial report"), _("Draft enterprise or product standard")),
    ),
    Level(
        8,
        TRL_LABELS[8],
        (
            _("The design has been finalised and small-batch trial production completed."),
            _("The product has passed the required inspection or certification."),
        ),
        (_("Design finalisation or acceptance certificate"), _("Product certification or type test report")),
    ),
    Level(
        9,
        TRL_LABELS[9],
        (
            _("The technology is in large-scale production or wide application."),
            _("Its market performance is documented."),
        ),
        (_("Sales records, invoices or production records"), _("Users' application letters")),
    ),
)

BY_NUMBER = {level.number: level for level in LEVELS}

# The chance that a technology at level L reaches market, used by the risk-adjusted NPV: the product of
# the chances of passing each later stage. Typical figures from technology-transfer practice, not from the
# standard; settings may replace them (KEQIAO["TRL_STAGE_SUCCESS"]).
DEFAULT_STAGE_SUCCESS = {1: 0.5, 2: 0.5, 3: 0.55, 4: 0.6, 5: 0.65, 6: 0.7, 7: 0.8, 8: 0.9, 9: 1.0}


def probability_of_success(level: int, stage_success: dict[int, float] | None = None) -> float:
    """The chance of reaching market from `level`: the product of the stage chances from `level` to 9."""
    table = stage_success or DEFAULT_STAGE_SUCCESS
    p = 1.0
    for n in range(level, 10):
        p *= float(table[n])
    return p


def level_reached(met: dict[int, bool]) -> int:
    """The highest level L such that every level 1..L is met (0 when level 1 is not)."""
    reached = 0
    for n in range(1, 10):
        if not met.get(n):
            break
        reached = n
    return reached
