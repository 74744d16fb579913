"""Note text as it goes into drafts: first sentences, LaTeX escaping with math kept, citations."""

from __future__ import annotations

import pytest

from paperkb.render.draft_text import DraftText, first_sentence

KNOWN = {"ho2020ddpm", "song2021score", "extra2017"}
NOTE_AT = {"papers/ho2020ddpm.md": "ho2020ddpm"}


def latex() -> DraftText:
    return DraftText("latex", KNOWN.__contains__, NOTE_AT.get)


@pytest.mark.parametrize("text, first", [
    ("Fix the noise. Then learn it.", "Fix the noise."),
    ("Beats GANs, e.g. BigGAN. Second.", "Beats GANs, e.g. BigGAN."),
    ("By J. Ho et al. in 2020. Second.", "By J. Ho et al. in 2020."),
    ("FID 3.17 vs. 4.5 on CIFAR-10; better. Next", "FID 3.17 vs. 4.5 on CIFAR-10; better."),
    ("A loss $x. Y$ in math stays whole. Next.", "A loss $x. Y$ in math stays whole."),
    ("Costs $5 and $6. Cheap.", "Costs $5 and $6."),
    ("用连续时间的 SDE 统一两类方法。第二句。", "用连续时间的 SDE 统一两类方法。"),
    ("No full stop at the end", "No full stop at the end."),
    ("Ends with a colon:", "Ends with a colon."),
])
def test_first_sentence(text, first):
    assert first_sentence(text) == first


def test_latex_escapes_text_keeps_math_and_turns_links_into_citations():
    text = latex()
    converted = text.text(r"50% of R&D_x #1 {a} ~b^c \d: $\alpha_1 < 2$ with **bold** and *em* and `co_de`, "
                          "see [[ho2020ddpm]], [[song2021score|Score SDE]], [[ghost]], [@extra2017; @ho2020ddpm], "
                          "[DDPM](ho2020ddpm.md), [site](https://x.org), ε ≈ é 中文", "papers/x.md")
    assert converted == (r"50\% of R\&D\_x \#1 \{a\} \textasciitilde{}b\textasciicircum{}c \textbackslash{}d: "
                         r"$\alpha_1 < 2$ with \textbf{bold} and \emph{em} and \texttt{co\_de}, see \cite{ho2020ddpm}, "
                         r"Score SDE~\cite{song2021score}, ghost, \cite{extra2017,ho2020ddpm}, DDPM~\cite{ho2020ddpm}, "
                         r"site, \ensuremath{\varepsilon} \ensuremath{\approx} é 中文")
    assert text.cited == {"ho2020ddpm", "song2021score", "extra2017"}


def test_markdown_keeps_the_authors_markdown_and_cites_with_pandoc_keys():
    text = DraftText("markdown", KNOWN.__contains__, NOTE_AT.get)
    converted = text.text("Uses $x_1$ and **bold**, see [[ho2020ddpm]], [[ghost|a ghost]] and [DDPM](ho2020ddpm.md).",
                          "papers/x.md")
    assert converted == "Uses $x_1$ and **bold**, see [@ho2020ddpm], a ghost and DDPM [@ho2020ddpm]."
    assert text.plain("Title with @handle, $5 and a_b") == r"Title with \@handle, \$5 and a\_b"
