"""A small knowledge base with a known citation graph, for the graph-search tests.

Edges (source -> target [role]); the answers in the tests are worked out by hand from this list:

    bert   -> attn [builds-on], bleu [metric]
    vit    -> attn [builds-on], base [baseline], imnet [dataset]
    mae    -> vit [builds-on], bert [related], base [baseline], imnet [dataset]
    clip   -> vit [builds-on], attn [related], bert [background], imnet [dataset]
    sam    -> mae [builds-on], clip [related], vit [related]
    survey -> mae, clip, sam, vit, base [related]; llm [related, by a [[llm]] wikilink in the body]
    llm    -> bert [baseline], attn [builds-on]
    preA   -> preB [related], sam [builds-on]       (preA and preB cite each other: a cycle)
    preB   -> preA [related]
    draft1 -> attn, mae                              (a draft: in no answer, ever)
    lonely, and nothing cites survey or lonely.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import note, write_tree


def _cite(key: str, role: str | None = None):
    return {"key": key, "role": role} if role else key


NOTES: dict[str, str] = {
    "papers/base.md": note("Deep Residual Learning", "Residual blocks.\n", key="base", year=2015, fields=["Vision"],
                           type="application", level="deep", venue="CVPR", datasets=["ImageNet"], metrics=["top-1"]),
    "papers/attn.md": note("Attention Is All You Need", "", key="attn", year=2017, fields=["NLP"], type="application",
                           level="deep", venue="NeurIPS"),
    "papers/imnet.md": note("ImageNet Database", "", key="imnet", year=2009, fields=["Vision"], type="dataset",
                            level="skim", venue="CVPR"),
    "papers/bleu.md": note("BLEU Metric", "", key="bleu", year=2002, fields=["NLP"], type="analysis", level="skim",
                           venue="ACL"),
    "papers/bert.md": note("BERT Pretraining", "", key="bert", year=2019, fields=["NLP"], type="application",
                           level="browse", venue="NAACL", cites=[_cite("attn", "builds-on"), _cite("bleu", "metric")]),
    "papers/vit.md": note("Vision Transformer", "", key="vit", year=2021, fields=["Vision"], type="application",
                          level="deep", venue="ICLR",
                          cites=[_cite("attn", "builds-on"), _cite("base", "baseline"), _cite("imnet", "dataset")]),
    "papers/mae.md": note("Masked Autoencoders", "", key="mae", year=2022, fields=["Vision"], type="application",
                          level="browse", venue="CVPR", tags=["masked", "self-supervised"],
                          method="Mask 75% of the image patches and reconstruct them.",
                          cites=[_cite("vit", "builds-on"), _cite("bert", "related"), _cite("base", "baseline"),
                                 _cite("imnet", "dataset")]),
    "papers/clip.md": note("CLIP Contrastive Pretraining", "", key="clip", year=2021, fields=["Vision", "NLP"],
                           type="application", level="browse", venue="ICML", tags=["foundation", "contrastive"],
                           cites=[_cite("vit", "builds-on"), _cite("attn", "related"), _cite("bert", "background"),
                                  _cite("imnet", "dataset")]),
    "papers/sam.md": note("Segment Anything", "", key="sam", year=2023, fields=["Vision"], type="application",
                          level="skim", venue="ICCV", tags=["foundation", "segmentation"],
                          problem="Promptable segmentation for any image.",
                          cites=[_cite("mae", "builds-on"), _cite("clip", "related"), _cite("vit", "related")]),
    "papers/survey.md": note("Vision Survey", "A survey; see also [[llm]].\n", key="survey", year=2023,
                             fields=["Vision"], type="survey", level="skim", venue="arXiv",
                             cites=["mae", "clip", "sam", "vit", "base"]),
    "papers/llm.md": note("Large Language Model", "", key="llm", year=2023, fields=["NLP"], type="application",
                          level="deep", venue="arXiv", datasets=["MMLU"],
                          cites=[_cite("bert", "baseline"), _cite("attn", "builds-on")]),
    "papers/lonely.md": note("Lonely Robot Study", "", key="lonely", fields=["Robotics"], type="analysis"),
    "papers/preA.md": note("Preprint A", "", key="preA", year=2024, cites=["preB", _cite("sam", "builds-on")]),
    "papers/preB.md": note("Preprint B", "", key="preB", year=2024, cites=["preA"]),
    "papers/draft1.md": note("Secret Draft", "", key="draft1", year=2024, fields=["Vision"], draft=True,
                             cites=["attn", "mae"]),
}

ALL_KEYS = {"base", "attn", "imnet", "bleu", "bert", "vit", "mae", "clip", "sam", "survey", "llm", "lonely",
            "preA", "preB"}


def write_kb(root: Path, extra: dict[str, str] | None = None) -> Path:
    """Write the notes (and ``extra`` files) under ``root/notes``; return that folder."""
    write_tree(root / "notes", {**NOTES, **(extra or {})})
    return root / "notes"
