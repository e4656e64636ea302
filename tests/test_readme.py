"""The README's red-flag table is the rules' own: `make readme` rewrites it."""

from bot.readme import README, red_flag_table, with_table
from core.redflags import RULES


def test_the_readme_lists_every_rule_as_the_code_has_it() -> None:
    readme = README.read_text(encoding="utf-8")
    assert with_table(readme) == readme, "the README's red-flag table is stale: run make readme"


def test_the_table_has_a_row_per_rule() -> None:
    rows = red_flag_table().splitlines()[2:]
    assert [row.split(" | ")[0] for row in rows] == [f"| {rule.id}" for rule in RULES]
