"""Starting text for a new note, shaped by how deeply the paper will be read."""

from __future__ import annotations

import datetime as _dt

import yaml

from .model import LEVELS

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
- Datasets:
- Metrics:
- Compared methods:

| Claim | Experiment that supports it |
| --- | --- |
|  |  |

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
