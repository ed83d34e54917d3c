"""Hand-written rules are capped: the strings in module-level constants of every package (word
lists, stems, phrases, regex sources) and the lines of the packages' data files that are regex
sources. A miss is fixed by a mechanism or by labelled examples, not by another word."""
import ast
import re
from pathlib import Path

from tests.test_layers import ALLOWED

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (*ALLOWED, "launch", "scripts")  # every package the layering test knows, and the launchers
CAP = 600
REGEX = re.compile(r"\\b|\(\?|\[\^|\\w|\\s")  # what only a regex source holds


def constant_strings(path: Path) -> int:
    """String literals assigned to UPPER_CASE names at a module's top level."""
    count = 0
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id.isupper() for t in targets) and node.value is not None:
                count += sum(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(node.value))
    return count


def regex_lines(path: Path) -> int:
    """Lines of a data file that hold a regex source (word lists in data are not counted)."""
    return sum(bool(REGEX.search(line)) for line in path.read_text(encoding="utf-8").splitlines())


def rule_strings() -> dict[str, int]:
    counts = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.suffix == ".py":
                counts[str(path.relative_to(ROOT))] = constant_strings(path)
            elif path.suffix in (".yaml", ".yml", ".json", ".txt"):
                counts[str(path.relative_to(ROOT))] = regex_lines(path)
    return counts


def test_hand_written_rule_strings_stay_under_the_cap():
    counts = rule_strings()
    biggest = sorted(counts.items(), key=lambda kv: -kv[1])[:5]
    assert sum(counts.values()) <= CAP, f"{sum(counts.values())} hand-written rule strings; the most in {biggest}"


def test_the_count_sees_the_rules_where_they_live():
    """The intents' patterns and the demands' word tables are counted: a count of nothing
    would pass the cap and prove nothing."""
    counts = rule_strings()
    assert counts["answering/intents.py"] > 20 and counts["answering/demands.py"] > 20
    assert sum(counts.values()) > 300
