"""Deterministic training and evaluation data built from the catalogue.

`python -m knowledge build-dataset --out DIR` writes corpus.txt (paragraphs for plain causal-LM
training), train.jsonl (chat pairs in the guide's voice, with the guide's own prompt layout),
eval.jsonl (the held-out visitor questions with their expected key facts) and manifest.json.

The chat pairs teach the job the model has in the served pipeline: phrase the facts the pipeline
chose, the direct answer first (`knowledge.prompting.phrase_messages`). Their replies are the
hand-written ones of `knowledge/replies/` (`knowledge.replies`); the templated questions below
remain the examples the guard and the answerability check learn what a question is from.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.catalogue import Catalogue, default_catalogue
from knowledge.phrasebook import PHRASEBOOK
from knowledge.prompting import Turn, phrase_messages
from knowledge.replies import ExhibitReplies, load_replies
from knowledge.schema import Exhibit

QUESTIONS_FILE = Path(__file__).parent / "questions" / "visitor_questions.yaml"
RED_TEAM_FILE = QUESTIONS_FILE.parent / "red_team.yaml"
ORDINARY_HARD_FILE = QUESTIONS_FILE.parent / "ordinary_hard.yaml"
LANGUAGE_QUESTIONS_FILE = QUESTIONS_FILE.parent / "languages.yaml"
TRAINING_QUESTIONS_FILE = QUESTIONS_FILE.parent / "training.yaml"
PARAPHRASED_FILE = QUESTIONS_FILE.parent / "paraphrased.yaml"
STOP = set("the a an of and in at to is was were on for from with by this that it its as be are "
           "has have had which who what when where how about also there their they he she his her "
           "one more than into after before under over been only still many most some".split())

WHAT_IS = ["What am I looking at?", "What is this exhibit?", "Can you tell me about this?"]
RULES = [  # (pattern in the fact, question about the exhibit)
    (r"UNESCO", "Is {name} recognised by UNESCO?"),
    (r"excavat|explored", "Who excavated {name}?"),
    (r"\b(found|discovered)\b", "How was {name} discovered?"),
    (r"\b(legend|myth)", "Is there a legend connected with {name}?"),
    (r"\bname\b|\bnamed\b|\bmeans?\b|\bcalled\b", "Where does the name of {name} come from?"),
    (r"\b(displayed|houses|museum)\b", "Where can I see it today?"),
    (r"\b(built|founded|made|carved|rebuilt|completed|begun)\b", "When was {name} made?"),
]
ASKED = "asked"  # the kind of a pair whose question is a written training question
UNKNOWN = [
    "How many visitors does {name} get every year?",
    "What was the favourite food of the people who made {name}?",
    "How much does a ticket to {name} cost today?",
]
# the English "I don't know" and offer that the guide says too, and the unsafe requests with the
# replies the model learns (kind, request, reply), worded apart from the red-team evaluation set
UNKNOWN_ANSWER = PHRASEBOOK.fixed["unknown"].en
DECLINE = " " + PHRASEBOOK.offers.at_exhibit.en
UNSAFE_REQUESTS = [(t.kind, t.request, t.reply + (DECLINE if t.offer else "")) for t in PHRASEBOOK.taught]
UNSAFE_PER_EXHIBIT = 4


@dataclass(frozen=True)
class VisitorQuestion:
    exhibit: str
    question: str
    fact: int


def load_questions(path: Path = QUESTIONS_FILE, catalogue: Catalogue | None = None) -> list[VisitorQuestion]:
    catalogue = catalogue or default_catalogue()
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for i, row in enumerate(rows):
        exhibit = catalogue.get(row["exhibit"])
        if not 0 <= row["fact"] < len(exhibit.facts):
            raise ValueError(f"{path.name}: record {i}: field 'fact': no fact {row['fact']} "
                             f"in exhibit {exhibit.id!r}")
        out.append(VisitorQuestion(row["exhibit"], row["q"], row["fact"]))
    return out


def load_rows(path: Path, split: str | None = None) -> list[dict]:
    """The records of a question file, optionally only one `split` ('tune' or 'held_out')."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [r for r in rows if split is None or r.get("split") == split]


def load_language_questions(split: str | None = "held_out", catalogue: Catalogue | None = None) -> list[dict]:
    """Greek, Turkish and Russian visitors' questions, each with the fact that answers it in the
    visitor's language."""
    catalogue = catalogue or default_catalogue()
    out = []
    for n, row in enumerate(load_rows(LANGUAGE_QUESTIONS_FILE, split)):
        _, facts = catalogue.get(row["exhibit"]).text(row["lang"])
        if not 0 <= row["fact"] < len(facts):
            raise ValueError(f"{LANGUAGE_QUESTIONS_FILE.name}: record {n}: field 'fact': no fact {row['fact']} "
                             f"in exhibit {row['exhibit']!r}")
        out.append({"id": f"{row['lang']}/{n}", "exhibit": row["exhibit"], "question": row["q"],
                    "language": row["lang"], "fact_index": row["fact"], "fact": facts[row["fact"]]})
    return out


def normalise(question: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", question.lower()).strip()


def key_terms(fact: str, question: str, exhibit: Exhibit, df: dict[str, int] | None = None) -> list[str]:
    """The words an answer must contain to carry this fact: numbers, names, then rare words."""
    asked = {w.lower() for w in re.findall(r"\w+", question)}
    named = {w.lower() for w in re.findall(r"\w+", exhibit.names.en + " " + exhibit.id)}
    skip = asked | named | STOP
    words = re.findall(r"[\w'-]+", fact)
    numbers = [w for w in words if re.fullmatch(r"\d[\d,]*", w)]
    names = [w for i, w in enumerate(words) if i > 0 and w[:1].isupper() and w.lower() not in skip]
    content = [w for w in words if len(w) > 3 and w.lower() not in skip and not w[:1].isdigit()]
    content.sort(key=lambda w: (df or {}).get(w.lower(), 0))  # rarest first: most informative
    return list(dict.fromkeys(numbers + names + content))[:4]


def document_frequency(catalogue: Catalogue) -> dict[str, int]:
    df: dict[str, int] = {}
    for e in catalogue:
        for fact in e.facts:
            for w in set(re.findall(r"\w+", fact.lower())):
                df[w] = df.get(w, 0) + 1
    return df


def _companion(exhibit: Exhibit, index: int) -> str:
    """The fact that shares most words with fact `index`, to make a two-sentence answer."""
    base = set(re.findall(r"\w+", exhibit.facts[index].lower())) - STOP
    scored = [(len(base & (set(re.findall(r"\w+", f.lower())) - STOP)), -i, f)
              for i, f in enumerate(exhibit.facts) if i != index]
    return max(scored)[2]


def _fact_question(exhibit: Exhibit, fact: str) -> str:
    """A visitor-style question whose answer is this fact."""
    name = exhibit.names.en
    named = {w.lower() for w in re.findall(r"\w+", name)} | STOP
    words = re.findall(r"[\w'-]+", fact)
    proper = [w for i, w in enumerate(words) if i > 0 and w[:1].isupper() and w.lower() not in named]
    if proper:
        return f"What is the link between {name} and {proper[0]}?"
    nouns = [w for w in words if len(w) > 4 and w.lower() not in named
             and not w.endswith(("ed", "ly", "ing")) and not w[:1].isdigit()]
    noun = max(nouns, key=len) if nouns else "history"
    return f"Tell me about the {noun.lower()} of {name}."


def _pairs(exhibit: Exhibit, asked: dict[int, list[str]]) -> list[tuple[str, str, str, list[Turn], list[str]]]:
    """(kind, question, answer, history, facts the answer must see) for one exhibit; `asked`
    holds the written training questions of each of its facts."""
    name = exhibit.names.en
    first = exhibit.summary.split(". ")[0].rstrip(".") + "."
    pairs = [("what_is", q, exhibit.summary, [], [exhibit.summary]) for q in WHAT_IS]
    used = set()
    for i, fact in enumerate(exhibit.facts):
        companion = _companion(exhibit, i)
        answer = f"{fact} {companion}"
        for pattern, template in RULES:
            if re.search(pattern, fact) and template not in used:
                used.add(template)
                pairs.append(("fact", template.format(name=name), answer, [], [fact, companion]))
                break
        pairs.append(("fact", _fact_question(exhibit, fact), answer, [], [fact, companion]))
        pairs += [(ASKED, q, answer, [], [fact, companion]) for q in asked.get(i, [])]
    for q in UNKNOWN:
        pairs.append(("unknown", q.format(name=name), UNKNOWN_ANSWER.format(first=first), [], []))
    start = sum(map(ord, exhibit.id))  # a stable rotation, so that every request kind is used
    for k in range(UNSAFE_PER_EXHIBIT):
        _, q, a = UNSAFE_REQUESTS[(start + k * 4) % len(UNSAFE_REQUESTS)]
        pairs.append(("unsafe", q.format(name=name), a.format(name=name), [], []))
    history = [Turn(WHAT_IS[0], exhibit.summary)]
    pairs.append(("follow_up", "And how old is it?",
                  f"It dates from {exhibit.period.dates}, in the {exhibit.period.name} period. "
                  f"{first}", history, []))
    return pairs


def _training_pairs(catalogue: Catalogue, questions: list[VisitorQuestion]):
    """(exhibit, index, pair) for every pair of every exhibit but the held-out questions."""
    held_out = {normalise(q.question) for q in questions}
    asked: dict[str, dict[int, list[str]]] = {}
    for q in load_questions(TRAINING_QUESTIONS_FILE, catalogue):
        asked.setdefault(q.exhibit, {}).setdefault(q.fact, []).append(q.question)
    for exhibit in catalogue:
        for n, pair in enumerate(_pairs(exhibit, asked.get(exhibit.id, {}))):
            if normalise(pair[1]) not in held_out:
                yield exhibit, n, pair


def training_questions(catalogue: Catalogue) -> list[tuple[str, str, str]]:
    """(exhibit id, kind, question) of every templated training pair, an unsafe request's kind
    being the kind of request it is (injection, damage, ...): what the guard and the
    answerability classifier learn from too. The written training questions are left out: the
    guard's settings were chosen without them."""
    questions = load_questions(catalogue=catalogue)
    out = []
    for e, _, (kind, question, *_) in _training_pairs(catalogue, questions):
        if kind == ASKED:
            continue
        if kind == "unsafe":
            kind = next(k for k, q, _ in UNSAFE_REQUESTS if q.format(name=e.names.en) == question)
        out.append((e.id, kind, question))
    return out


def build(catalogue: Catalogue | None = None) -> dict[str, list]:
    """All records, in a fixed order: the same catalogue always gives the same bytes."""
    catalogue = catalogue or default_catalogue()
    questions = load_questions(catalogue=catalogue)
    held_out = {normalise(q.question) for q in questions}
    replies = load_replies(catalogue)
    written: dict[tuple[str, int], list[str]] = {}
    for q in load_questions(TRAINING_QUESTIONS_FILE, catalogue):
        written.setdefault((q.exhibit, q.fact), []).append(q.question)
    train = []
    for exhibit in catalogue:
        if exhibit.id not in replies:
            continue
        pairs = phrase_pairs(exhibit, replies[exhibit.id], written)
        for n, (kind, question, facts, earlier, answer) in enumerate(pairs):
            if normalise(question) in held_out:
                continue
            messages = phrase_messages(question, exhibit, facts, earlier)
            messages.append({"role": "assistant", "content": answer})
            train.append({"id": f"{exhibit.id}/{n}", "exhibit": exhibit.id, "kind": kind, "messages": messages})
    evaluation, df = [], document_frequency(catalogue)
    for n, q in enumerate(questions):
        exhibit = catalogue.get(q.exhibit)
        fact = exhibit.facts[q.fact]
        evaluation.append({"id": f"eval/{n}", "exhibit": q.exhibit, "question": q.question,
                           "fact": fact, "key_terms": key_terms(fact, q.question, exhibit, df)})
    corpus = [p for e in catalogue for p in [f"{e.names.en}. {e.summary}"] + e.paragraphs]
    return {"train": train, "eval": evaluation, "corpus": corpus}


def phrase_pairs(exhibit: Exhibit, replies: ExhibitReplies, written: dict[tuple[str, int], list[str]]):
    """(kind, question, chosen facts, earlier question, reply) for one exhibit: every
    hand-written reply with the facts the pipeline would choose for its question. Every third
    question is given a second fact as well, as the pipeline does when two rank nearly alike,
    and its reply tells that fact after the answer."""
    facts, says = exhibit.facts, {f.fact: f.say for f in replies.facts}
    out = [("what_is", q, [exhibit.summary], None, replies.what_is) for q in WHAT_IS]
    for f in replies.facts:
        second = (f.fact + 1) % len(facts)
        for n, pair in enumerate(f.pairs):
            if n % 3 == 2 and second in says:
                out.append(("two_facts", pair.q, [facts[f.fact], facts[second]], None, f"{pair.a} {says[second]}"))
            else:
                out.append(("fact", pair.q, [facts[f.fact]], None, pair.a))
        out += [(ASKED, q, [facts[f.fact]], None, f.say) for q in written.get((exhibit.id, f.fact), [])]
    out += [("follow_up", u.q, [facts[u.fact]], u.before, u.a) for u in replies.follow_ups]
    first = replies.facts[0]
    for q in UNKNOWN:  # the closest fact offered, as the served answer offers it
        out.append(("unknown", q.format(name=exhibit.names.en), [facts[first.fact]], None,
                    UNKNOWN_ANSWER.format(first=first.say)))
    start = sum(map(ord, exhibit.id))  # a stable rotation, so that every request kind is used
    for k in range(UNSAFE_PER_EXHIBIT):
        _, q, a = UNSAFE_REQUESTS[(start + k * 4) % len(UNSAFE_REQUESTS)]
        out.append(("unsafe", q.format(name=exhibit.names.en), [facts[first.fact]], None, a.format(name=exhibit.names.en)))
    return out


def prompt_layout(catalogue: Catalogue) -> str:
    """A fingerprint of how the guide lays out its prompts: a change to the persona, the rules,
    the context block or the turns changes it, so a guide trained on the old layout is stale."""
    exhibit = next(iter(catalogue))
    sample = [phrase_messages(q, e, ["<fact one>", "<fact two>"], "<earlier>", lang)
              for q, e, lang in (("<question>", exhibit, "en"), ("<question>", None, "el"))]
    return hashlib.sha256(json.dumps(sample, sort_keys=True).encode()).hexdigest()[:16]


def build_dataset(retriever, out: Path) -> dict:
    """Build the dataset from the retriever's catalogue and write it to `out`; its manifest."""
    catalogue = retriever.catalogue
    return write(build(catalogue), out, catalogue.source_hash, prompt_layout(catalogue))


def write(data: dict[str, list], out: Path, catalogue_hash: str, layout: str = "") -> dict:
    out.mkdir(parents=True, exist_ok=True)
    files = {"train.jsonl": data["train"], "eval.jsonl": data["eval"]}
    for name, rows in files.items():
        (out / name).write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                                        for r in rows), encoding="utf-8")
    (out / "corpus.txt").write_text("\n\n".join(data["corpus"]) + "\n", encoding="utf-8")
    digest = hashlib.sha256()
    for name in ("train.jsonl", "eval.jsonl", "corpus.txt"):
        digest.update((out / name).read_bytes())
    manifest = {"catalogue_hash": catalogue_hash, "prompt_layout": layout, "data_hash": digest.hexdigest(),
                "counts": {k: len(v) for k, v in data.items()}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
