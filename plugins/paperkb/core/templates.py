"""Starting text for a new note, shaped by how deeply the paper will be read."""

from __future__ import annotations

import datetime as _dt

import yaml

from .model import LEVELS

# What an experiment section lists, in a deep-read note and in a project's plan.
EXPERIMENT_LISTS = """\
- Datasets:
- Metrics:
- Compared methods:

| Claim | Experiment that supports it |
| --- | --- |
|  |  |
"""

# The questions of a skim, as body headings: for notes whose front-matter does not ask them
# (notes imported from a .bib file).
SKIM_QUESTIONS = """\
## What problem

## What is new

## How good
"""

# Bodies hold what the front-matter does not: `problem`, `method` and `results` answer "what
# problem", "what is new" and "how good", and are shown as the Problem / Method / Results
# sections, so no body heading asks them again.
SKIM_BODY = ""

BROWSE_BODY = """\
## Limits of earlier work

## Pipeline

## Experiments
<!-- datasets, baselines, the headline numbers -->
"""

DEEP_BODY = """\
## Related work and its limits
<!-- one line per area: what it does, where it falls short -->
- Area 1:
- Area 2:

## Modules, losses and training
<!-- step by step; for each module and loss: what it does and WHY it is there -->
### Module 1
- What:
- Motivation:

### Losses
- Loss:
- Motivation:

### Training details
<!-- optimiser, schedule, batch size, steps, hardware -->

## Experiments
""" + EXPERIMENT_LISTS + """
## Reproduction checklist
- [ ] Data preprocessing
- [ ] Architecture
- [ ] Loss
- [ ] Training tricks
- [ ] Post-processing
"""

BODIES = {"skim": SKIM_BODY, "browse": BROWSE_BODY, "deep": DEEP_BODY}


# What each front-matter section asks, written beside its key in a new note.
_QUESTIONS = {
    "problem": "what problem does it solve? (Markdown, shown as Problem)",
    "method": "what is new: the key idea (shown as Method)",
    "results": "how good: the headline numbers (shown as Results)",
}


def note_template(title: str, key: str, *, level: str = "skim", paper_type: str | None = None,
                  field: str | None = None, year: int | None = None, authors: list[str] | None = None) -> str:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    front = {
        "title": title,
        "key": key,
        "year": year,
        "venue": None,
        "authors": list(authors or []),
        "fields": [field] if field else [],
        "type": paper_type,
        "level": level,
        "tags": [],
        "links": {"paper": None},
        "problem": None,
        "method": None,
        "results": None,
        "cites": [],
        "insights": [],
    }
    dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    dumped = dumped.replace(": null\n", ":\n")
    for name, question in _QUESTIONS.items():
        dumped = dumped.replace(f"\n{name}:\n", f"\n{name}:   # {question}\n")
    today = _dt.date.today().isoformat()
    return (
        f"---\n{dumped}---\n<!-- started {today}; bullets beginning with [idea] or [想法] are collected as insights -->\n\n"
        f"{BODIES[level]}"
    )


PROJECT_BODY = """\
## Idea
<!-- the problem, why it matters, the bet in one paragraph -->

## Related work
<!-- peers (same problem: what to compare against) and upstream papers (building blocks, data,
     metrics); list their keys under `papers:` above, with relation and a note on why each matters -->
- Peers:
- Upstream:

## Method
<!-- step by step; for each part: what it does and WHY -->

## Experiment plan
""" + EXPERIMENT_LISTS + """
## Results

## Log
<!-- dated lines ("- 2024-05-02: ...") give the project's last change on the Projects page -->
- {today}: started
"""


def project_template(title: str, key: str) -> str:
    """A research project page: ``project: true`` and the front-matter the site reads, then the
    sections a project document needs (idea, related work, method, experiment plan, results, log)."""
    front = {
        "project": True,
        "title": title,
        "key": key,
        "status": "idea",
        "question": None,
        "papers": [],
        "tags": [],
    }
    dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    dumped = dumped.replace(": null\n", ":\n")
    example = ("# papers: keys of notes, or {key: ho2020ddpm, relation: peer, note: \"why it matters here\"};\n"
               "# queries: saved paperkb-query mappings shown on the page, e.g. [{title: Recent, since: 2023}]\n")
    return f"---\n{dumped}{example}---\n\n{PROJECT_BODY.format(today=_dt.date.today().isoformat())}"
