"""The README's red-flag table, made from the rules and their words so that it cannot
drift from them. `make readme` (`python -m bot.readme`) rewrites it in README.md;
tests/test_readme.py fails while the two differ."""

from pathlib import Path

from bot.texts.medical import LEVEL_WORDS, RULE_TITLES, RULE_WATCHES
from core.redflags import RULES

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- red-flag table: made by `make readme` -->\n", "<!-- end of red-flag table -->\n"


def red_flag_table() -> str:
    """One row per rule, in id order."""
    rows = [
        "| # | Rule | Watches | Level | Window | Source |",
        "|---|---|---|---|---|---|",
    ]
    for rule in RULES:
        days = rule.window.days
        window = f"{days} day{'s' if days != 1 else ''}"
        words = f"{RULE_TITLES[rule.id]} | {RULE_WATCHES[rule.id]}"
        level = LEVEL_WORDS[rule.level]
        rows.append(f"| {rule.id} | {words} | {level} | {window} | {rule.source} |")
    return "\n".join(rows) + "\n"


def with_table(readme: str) -> str:
    """The README's text with its table made anew between the markers."""
    head, start, rest = readme.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError("README.md has lost the red-flag table's markers")
    return head + START + red_flag_table() + END + tail


def main() -> None:
    """Rewrite the table in README.md; say whether anything changed."""
    old = README.read_text(encoding="utf-8")
    new = with_table(old)
    if new != old:
        README.write_text(new, encoding="utf-8")
    print("README.md: red-flag table " + ("rewritten" if new != old else "already current"))


if __name__ == "__main__":
    main()
