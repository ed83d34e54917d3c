"""The cross-validated table from which the answerability threshold is chosen, on the real encoder."""
import re

from answering.answerable import AnswerableSettings
from training.unknowns import main


def test_the_table_judges_every_tuning_question_and_the_chosen_threshold_keeps_its_promise(capsys):
    chosen = AnswerableSettings().threshold
    assert main(["--thresholds", f"0.5,{chosen}"]) == 0
    out = capsys.readouterr().out
    rows = {r[0]: [float(x) for x in r[1:]] for r in re.findall(
        r"^\| (\S+(?: alone)?) \| ([\d.]+)% of \d+ \(([\d.]+)% of \d+\) \| ([\d.]+)% of \d+ \(([\d.]+)% of \d+\) \|$", out, re.M)}
    assert set(rows) == {"0.5", f"{chosen:g}", "demands alone"}
    # a lower threshold says "I don't know" more often, to both kinds of question
    assert all(low >= high for low, high in zip(rows["0.5"], rows[f"{chosen:g}"]))
    assert all(high >= alone for high, alone in zip(rows[f"{chosen:g}"], rows["demands alone"]))
    # what the setting's description promises: at most 5% of the written answerable questions
    assert rows[f"{chosen:g}"][1] <= 5.0 and rows[f"{chosen:g}"][3] >= 75.0
