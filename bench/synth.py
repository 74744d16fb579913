"""A deterministic synthetic knowledge base of paper notes, shaped like a real one.

Every note has the front-matter a researcher writes (title, key, year, venue, authors, fields,
type, level, tags, links, arXiv id, problem / method / results, datasets, metrics, ~5 citations
to older notes with roles, insights) and a body of a few hundred words mixing Chinese and
English: headings, lists, a table, inline and display math, `[想法]` bullets and a few
`[[wikilinks]]`. Citations follow preferential attachment inside a field, so a few notes
become hubs as in a real literature. The same (count, seed, shape) always writes the same bytes.

Two note shapes (``shape``):

- ``deep``: the full front-matter above and a body of a few hundred words (~3.5 KB a note).
- ``skim``: what a quickly skimmed paper gets: a short front-matter (title, key, year, venue,
  authors, field, type, level, tags, links, five citations) and about ten one-line bullets
  (~1 KB a note). paperkb's fixed cost per note weighs most on such notes.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FIELDS = {
    "LLM": {
        "topics": ["instruction tuning", "in-context learning", "long-context modeling", "reasoning",
                   "tokenization", "mixture of experts", "retrieval augmentation", "alignment"],
        "datasets": ["MMLU", "GSM8K", "HumanEval", "BIG-Bench", "TriviaQA", "The Pile", "C4", "HellaSwag"],
        "metrics": ["accuracy", "pass@1", "perplexity", "exact match", "win rate"],
        "tags": ["transformer", "pretraining", "instruction-tuning", "in-context-learning", "rlhf",
                 "alignment", "scaling-law", "reasoning", "retrieval", "mixture-of-experts", "long-context"],
    },
    "Vision": {
        "topics": ["image classification", "object detection", "semantic segmentation", "self-supervised learning",
                   "vision transformers", "open-vocabulary recognition", "depth estimation"],
        "datasets": ["ImageNet", "COCO", "ADE20K", "Cityscapes", "LVIS", "Places", "iNaturalist"],
        "metrics": ["top-1 accuracy", "box AP", "mIoU", "mask AP", "FLOPs"],
        "tags": ["cnn", "vision-transformer", "detection", "segmentation", "self-supervised", "contrastive",
                 "masked-modeling", "image-classification", "open-vocabulary"],
    },
    "Video": {
        "topics": ["action recognition", "video generation", "temporal grounding", "video question answering",
                   "video object segmentation", "long-video understanding"],
        "datasets": ["Kinetics-400", "Something-Something v2", "AVA", "ActivityNet", "MSR-VTT", "UCF-101"],
        "metrics": ["top-1 accuracy", "mAP", "FVD", "R@1", "J&F"],
        "tags": ["video-transformer", "action-recognition", "temporal-modeling", "video-generation",
                 "video-language", "tracking"],
    },
    "Reinforcement Learning": {
        "topics": ["offline RL", "model-based RL", "exploration", "policy optimization", "multi-agent RL",
                   "reward learning", "continuous control"],
        "datasets": ["Atari 57", "MuJoCo", "D4RL", "DeepMind Control Suite", "ProcGen", "Meta-World"],
        "metrics": ["average return", "human-normalized score", "sample efficiency", "success rate"],
        "tags": ["deep-rl", "policy-gradient", "actor-critic", "offline-rl", "model-based", "exploration",
                 "reward-learning", "continuous-control"],
    },
    "Generative Models": {
        "topics": ["diffusion models", "text-to-image generation", "normalizing flows", "GANs",
                   "score matching", "latent generative models", "consistency models"],
        "datasets": ["CIFAR-10", "ImageNet 256", "LSUN", "FFHQ", "LAION-5B", "MS-COCO captions"],
        "metrics": ["FID", "Inception Score", "CLIP score", "NLL (bits/dim)", "precision/recall"],
        "tags": ["diffusion", "gan", "score-matching", "text-to-image", "latent-space", "sampling",
                 "normalizing-flow", "guidance"],
    },
    "Speech": {
        "topics": ["speech recognition", "text-to-speech", "speaker verification", "self-supervised speech",
                   "speech translation"],
        "datasets": ["LibriSpeech", "Common Voice", "VCTK", "LJSpeech", "VoxCeleb", "AISHELL-1"],
        "metrics": ["WER", "CER", "MOS", "EER", "BLEU"],
        "tags": ["asr", "tts", "speech-representation", "ctc", "vocoder", "multilingual"],
    },
    "Robotics": {
        "topics": ["imitation learning", "grasping", "sim-to-real transfer", "vision-language-action models",
                   "legged locomotion", "manipulation planning"],
        "datasets": ["Open X-Embodiment", "RLBench", "CALVIN", "RoboNet", "BridgeData V2"],
        "metrics": ["success rate", "episode length", "task completion", "collision rate"],
        "tags": ["imitation-learning", "manipulation", "sim-to-real", "embodied", "locomotion", "vla"],
    },
    "Graph Learning": {
        "topics": ["graph neural networks", "molecular property prediction", "link prediction",
                   "graph transformers", "knowledge graphs", "over-smoothing"],
        "datasets": ["Cora", "ogbn-arxiv", "ogbg-molhiv", "QM9", "ZINC", "FB15k-237"],
        "metrics": ["accuracy", "ROC-AUC", "MRR", "Hits@10", "MAE"],
        "tags": ["gnn", "message-passing", "graph-transformer", "molecules", "knowledge-graph", "link-prediction"],
    },
}

GENERIC_TAGS = ["benchmark", "efficiency", "theory", "open-source", "multimodal", "foundation-model",
                "zero-shot", "few-shot", "distillation", "quantization", "robustness", "interpretability"]

VENUES = {
    "LLM": ["NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "NAACL", "TMLR", "arXiv", "COLM"],
    "Vision": ["CVPR", "ICCV", "ECCV", "NeurIPS", "ICLR", "TPAMI", "arXiv"],
    "Video": ["CVPR", "ICCV", "ECCV", "NeurIPS", "AAAI", "arXiv"],
    "Reinforcement Learning": ["NeurIPS", "ICML", "ICLR", "AAAI", "JMLR", "Nature", "arXiv"],
    "Generative Models": ["NeurIPS", "ICML", "ICLR", "CVPR", "SIGGRAPH", "arXiv"],
    "Speech": ["Interspeech", "ICASSP", "NeurIPS", "ICML", "TASLP", "arXiv"],
    "Robotics": ["CoRL", "RSS", "ICRA", "IROS", "Science Robotics", "arXiv"],
    "Graph Learning": ["NeurIPS", "ICLR", "ICML", "KDD", "WWW", "JMLR", "arXiv"],
}

PAPER_TYPES = ["application"] * 10 + ["analysis"] * 3 + ["dataset"] * 2 + ["survey"]
LEVELS = ["skim"] * 3 + ["browse"] * 4 + ["deep"] * 2
ROLES = ["related"] * 4 + ["builds-on"] * 3 + ["baseline"] * 3 + ["background"] * 2 + ["dataset", "metric"]

FIRST_NAMES = ["Wei", "Jing", "Yuxin", "Hao", "Xiaolong", "Mei", "Zhiyuan", "Lei", "Chen", "Ying", "Alex",
               "Maria", "David", "Sara", "Kaiming", "Yann", "Ilya", "Noam", "Priya", "Arjun", "Olga", "Lukas",
               "Sofia", "Tomas", "Hiroshi", "Yuki", "Min-jun", "Ji-woo", "Fatima", "Omar", "Elena", "Pierre",
               "Anna", "James", "Emily", "Daniel", "Rui", "Kai", "Lin", "Tao"]
LAST_NAMES = ["Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Zhao", "Huang", "Wu", "Zhou", "Xu", "Sun", "Smith",
              "Johnson", "Garcia", "Müller", "Schmidt", "Rossi", "Dubois", "Kim", "Park", "Tanaka", "Sato",
              "Nakamura", "Singh", "Patel", "Kumar", "Ivanova", "Novak", "Hassan", "Silva", "Santos", "Brown",
              "Taylor", "Anderson", "Lee", "Nguyen", "Cohen", "Levy", "Rahman"]

TITLE_ADJ = ["Scalable", "Efficient", "Robust", "Unified", "Simple", "Sparse", "Hierarchical", "Adaptive",
             "Contrastive", "Generalizable", "Self-Supervised", "Compositional", "Latent", "Multi-Scale",
             "Causal", "Data-Efficient", "Memory-Efficient", "Zero-Shot", "Open-World", "Differentiable"]
TITLE_NOUN = ["Transformers", "Representations", "Priors", "Objectives", "Tokenizers", "Encoders", "Policies",
              "Decoders", "Adapters", "Embeddings", "Attention", "Retrieval", "Distillation", "Planners",
              "World Models", "Benchmarks", "Scaling Laws", "Mixtures of Experts"]
TITLE_FORMS = [
    "{adj} {noun} for {topic}",
    "{Topic} with {adj} {noun}",
    "Rethinking {topic}: {adj} {noun} Are Enough",
    "{adj} {noun}: Towards Better {topic}",
    "On the Limits of {noun} in {topic}",
    "{name}: {adj} {noun} for {topic}",
    "Learning {adj} {noun} from Noisy Data for {topic}",
    "A Closer Look at {topic}",
]
SYSTEM_NAMES = ["Orion", "Falcon", "Lumen", "Mosaic", "Prism", "Vortex", "Atlas", "Echo", "Nimbus", "Quill",
                "Helix", "Cobalt", "Zephyr", "Aurora", "Kestrel", "Tessera", "Pioneer", "Sable", "Nova", "Drift"]

PROBLEMS = [
    "Existing {topic} methods rely on {obstacle}, which limits how far they scale.",
    "Prior work on {topic} treats {aspect} as fixed, so models fail when {aspect} shifts at test time.",
    "{Topic} 的主流方法依赖{obstacle_zh}，在数据或算力受限时效果明显下降。",
    "It is unclear whether gains in {topic} come from {aspect} or simply from more compute.",
    "现有的 {topic} 方法对{aspect_zh}非常敏感，复现时结果波动很大。",
]
METHODS = [
    "Replace {component} with {adj_l} {noun_l} trained with a {loss} objective, $\\mathcal{{L}} = \\mathcal{{L}}_{{\\text{{task}}}} + \\lambda \\mathcal{{L}}_{{\\text{{reg}}}}$.",
    "Pre-train {adj_l} {noun_l} on {dataset}, then fine-tune with a {loss} loss and a lightweight head.",
    "提出 {name}：用{adj_zh}的 {noun_l} 替换 {component}，并用 {loss} 损失联合训练。",
    "Decompose the model into {component} and {adj_l} {noun_l}, trained end to end with {loss} and stop-gradient.",
    "把 {component} 拆成两个阶段，先在 {dataset} 上自监督预训练，再用 {loss} 损失微调。",
]
RESULTS = [
    "Improves {metric} on {dataset} by {gain} points over the strongest baseline at {ratio}x lower cost.",
    "Sets a new state of the art on {dataset} ({metric} {score}) and transfers to {dataset2} without tuning.",
    "在 {dataset} 上 {metric} 提升 {gain} 个点，在 {dataset2} 上与最强基线持平，但训练成本只有其 1/{ratio}。",
    "Matches the baseline on {dataset} with {ratio}x fewer parameters; ablations show {component} matters most.",
    "{metric} reaches {score} on {dataset}; gains shrink at larger scale, which the authors discuss candidly.",
]
OBSTACLES = ["large labelled datasets", "hand-designed augmentations", "expensive pairwise comparisons",
             "quadratic attention", "careful hyper-parameter tuning", "long training schedules"]
OBSTACLES_ZH = ["大规模人工标注", "手工设计的数据增强", "昂贵的两两比较", "二次复杂度的注意力", "精细的超参数调节", "很长的训练时间"]
ASPECTS = ["the data distribution", "the input resolution", "the sequence length", "the reward scale",
           "the label vocabulary", "the sampling budget"]
ASPECTS_ZH = ["数据分布", "输入分辨率", "序列长度", "奖励尺度", "标签集合", "采样步数"]
COMPONENTS = ["the attention block", "the tokenizer", "the value head", "the decoder", "the noise schedule",
              "the replay buffer", "the message-passing layer", "the feature pyramid"]
LOSSES = ["contrastive", "cross-entropy", "denoising", "KL-regularised", "margin ranking", "MSE", "InfoNCE"]
ADJ_ZH = ["稀疏", "层次化", "自适应", "轻量", "统一", "可扩展"]

INSIGHTS = [
    "The ablation on {component} is the most useful part: it shows where the gain actually comes from.",
    "Worth re-reading with [[{ref}]] side by side; the two papers disagree on {aspect}.",
    "这篇的关键不是模型结构，而是{aspect_zh}的处理方式，迁移到别的任务上也成立。",
    "Reported gains on {dataset} are within seed variance for the smaller models.",
    "思路可以直接用到我们自己的 {topic} 项目里，先从 {component} 开始试。",
]
BODY_IDEAS = [
    "[想法] 如果把 {component} 换成 [[{ref}]] 里的做法，{metric} 可能还会再提升。",
    "[想法] The {loss} objective here looks like a special case of the one in [[{ref}]]; worth checking formally.",
    "[想法] 复现时先固定 {aspect_zh}，否则结果很难和论文对齐。",
    "[想法] Could {name} scale to {dataset2}? The paper never tries, and the cost analysis suggests it should.",
]
BG_ZH = [
    "{topic} 这个方向最近几年进展很快，但大多数工作仍然依赖{obstacle_zh}。",
    "作者认为问题的根源在于{aspect_zh}没有被显式建模，而不是模型容量不够。",
    "和 [[{ref}]] 相比，这篇文章更关注训练的稳定性和可复现性。",
    "论文的写作很清楚，实验部分也比较扎实，适合作为入门材料。",
]
BG_EN = [
    "Before this work, most {topic} systems depended on {obstacle}, and progress was measured on {dataset} alone.",
    "The authors argue that {aspect} is the real bottleneck, not model capacity, and design every experiment around that claim.",
    "Compared with [[{ref}]], the emphasis is on a simpler recipe that is easier to reproduce at scale.",
    "The paper is well written; the appendix contains the full training configuration, which is rare in {topic}.",
]
STEPS = [
    "**{Component}**: {adj_zh}版本，参数量减少约 {ratio} 倍。",
    "**Objective**: a {loss} term plus a small regulariser, weighted by $\\lambda = {lam}$.",
    "**Training**: {steps}k steps on {dataset}, batch size {batch}, cosine schedule with warm-up.",
    "**Inference**: 采样 {samples} 次取平均，推理开销大约增加 {ratio} 倍。",
    "**Data**: filtered {dataset} with a quality classifier; roughly {pct}% of the data is kept.",
]


SHAPES = ("deep", "skim")
SKIM_CITES = 5

SKIM_BULLETS = [
    "Problem: {topic} still depends on {obstacle}.",
    "Idea: replace {component} with {adj_l} {noun_l}.",
    "Trained with a {loss} loss on {dataset}.",
    "{metric} on {dataset}: {score} (+{gain}).",
    "和 [[{ref}]] 思路接近，但更简单。",
    "消融：去掉 {component} 后 {metric} 下降 {gain}。",
    "Limitation: {aspect} is never varied.",
    "Cost: about {ratio}x cheaper than the baseline.",
    "[想法] 可以试试用在 {topic} 上。",
    "[idea] Check whether the gain survives more seeds.",
    "代码开源，复现难度不大。",
    "Compared against [[{ref}]] on {dataset2}.",
]


@dataclass
class SynthNote:
    key: str
    year: int
    fields: list[str]
    cites: list[str] = field(default_factory=list)


def _key(rng: random.Random, year: int, taken: set[str]) -> str:
    base = f"{rng.choice(LAST_NAMES).lower()}{year}{rng.choice(SYSTEM_NAMES).lower()}"
    base = re.sub(r"[^a-z0-9]", "", base.replace("ü", "u"))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{n}"
    taken.add(key)
    return key


def _years(rng: random.Random, count: int) -> list[int]:
    """2012-2025 with more recent years more common, as in any reading list."""
    years = list(range(2012, 2026))
    weights = [1 + (y - 2012) ** 1.5 for y in years]
    return sorted(rng.choices(years, weights=weights, k=count))


def _pick_cites(rng: random.Random, i: int, notes: list[SynthNote], cited: list[list[int]],
                by_field: dict[str, list[int]], want: int) -> list[int]:
    """~``want`` distinct older notes, mostly of the same field. A third of the picks copy a reference
    of a random older note (the copying model): well-cited notes get cited more, hubs emerge,
    and every pick costs O(1)."""
    me = notes[i]
    limit = i
    while limit > 0 and notes[limit - 1].year >= me.year:  # notes are sorted by year
        limit -= 1
    limit = limit or i  # the first year has nothing older: cite earlier notes of that year
    if limit == 0:
        return []
    same_field = [j for f in me.fields for j in by_field.get(f, []) if j < limit]
    chosen: list[int] = []
    for _ in range(want * 4):
        if len(chosen) >= min(want, limit):
            break
        pick = rng.choice(same_field) if same_field and rng.random() < 0.75 else rng.randrange(limit)
        if rng.random() < 0.35 and cited[pick]:
            pick = rng.choice(cited[pick])
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def plan(count: int, seed: int, shape: str = "deep") -> list[SynthNote]:
    """Keys, years, fields and the citation graph (citations always point to older notes);
    skim notes cite five each (fewer only when fewer older notes exist)."""
    rng = random.Random(seed)
    taken: set[str] = set()
    field_names = list(FIELDS)
    notes = []
    for year in _years(rng, count):
        fields = [rng.choice(field_names)]
        if rng.random() < 0.25:
            other = rng.choice(field_names)
            if other != fields[0]:
                fields.append(other)
        notes.append(SynthNote(_key(rng, year, taken), year, fields))
    cited: list[list[int]] = []
    by_field: dict[str, list[int]] = {}
    for i, note in enumerate(notes):
        want = rng.choice([4, 5, 5, 5, 6])
        cited.append(_pick_cites(rng, i, notes, cited, by_field, want=SKIM_CITES if shape == "skim" else want))
        note.cites = [notes[j].key for j in cited[i]]
        for f in note.fields:
            by_field.setdefault(f, []).append(i)
    return notes


class _Filler(dict):
    """Template values drawn lazily from the note's own vocabulary."""

    def __init__(self, rng: random.Random, note: SynthNote, name: str, refs: list[str]) -> None:
        super().__init__()
        self.rng, self.note, self.name, self.refs = rng, note, name, refs
        self.vocab = FIELDS[note.fields[0]]

    def __missing__(self, name: str) -> str:
        r, v = self.rng, self.vocab
        if name[0].isupper() and name.lower() in ("topic", "component"):
            value = self[name.lower()]
            return value[0].upper() + value[1:]
        value = {
            "topic": lambda: r.choice(v["topics"]),
            "dataset": lambda: r.choice(v["datasets"]),
            "dataset2": lambda: r.choice(v["datasets"]),
            "metric": lambda: r.choice(v["metrics"]),
            "obstacle": lambda: r.choice(OBSTACLES),
            "obstacle_zh": lambda: r.choice(OBSTACLES_ZH),
            "aspect": lambda: r.choice(ASPECTS),
            "aspect_zh": lambda: r.choice(ASPECTS_ZH),
            "component": lambda: r.choice(COMPONENTS),
            "loss": lambda: r.choice(LOSSES),
            "adj_l": lambda: r.choice(TITLE_ADJ).lower(),
            "adj_zh": lambda: r.choice(ADJ_ZH),
            "noun_l": lambda: r.choice(TITLE_NOUN).lower(),
            "name": lambda: self.name,
            "ref": lambda: r.choice(self.refs),
            "gain": lambda: f"{r.uniform(0.3, 6.0):.1f}",
            "score": lambda: f"{r.uniform(20, 95):.1f}",
            "ratio": lambda: str(r.choice([2, 3, 4, 8, 10])),
            "lam": lambda: str(r.choice([0.01, 0.1, 0.5, 1.0])),
            "steps": lambda: str(r.choice([50, 100, 300, 500])),
            "batch": lambda: str(r.choice([256, 512, 1024, 4096])),
            "samples": lambda: str(r.choice([4, 8, 16])),
            "pct": lambda: str(r.randint(5, 60)),
        }[name]()
        return value  # not stored: each use draws again, as different sentences would


def _fill(template: str, filler: _Filler) -> str:
    return template.format_map(filler)


def _title(rng: random.Random, filler: _Filler) -> str:
    form = rng.choice(TITLE_FORMS)
    topic = filler["topic"].title() if "{Topic}" in form else filler["topic"]
    return form.format(adj=rng.choice(TITLE_ADJ), noun=rng.choice(TITLE_NOUN), topic=topic,
                       Topic=topic[0].upper() + topic[1:], name=filler.name)


def _identity(rng: random.Random, note: SynthNote, title: str, max_authors: int) -> dict:
    """Title, key, year, venue and authors: what every note's front-matter starts with."""
    return {
        "title": title,
        "key": note.key,
        "year": note.year,
        "venue": rng.choice(VENUES[note.fields[0]]),
        "authors": [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(2, max_authors))],
    }


def _front_matter(rng: random.Random, note: SynthNote, filler: _Filler, title: str) -> dict:
    vocab = filler.vocab
    arxiv = f"{note.year % 100:02d}{rng.randint(1, 12):02d}.{rng.randint(0, 29999):05d}"
    tags = rng.sample(vocab["tags"], k=min(len(vocab["tags"]), rng.randint(2, 4)))
    if rng.random() < 0.4:
        tags.append(rng.choice(GENERIC_TAGS))
    links = {"paper": f"https://arxiv.org/abs/{arxiv}"}
    if rng.random() < 0.6:
        links["code"] = f"https://github.com/{rng.choice(LAST_NAMES).lower()}-lab/{filler.name.lower()}"
    cites = [{"key": k, "role": rng.choice(ROLES)} for k in note.cites]
    return {
        **_identity(rng, note, title, max_authors=6),
        "fields": note.fields,
        "type": rng.choice(PAPER_TYPES),
        "level": rng.choice(LEVELS),
        "relation": rng.choice(["peer", "peer", "upstream"]),
        "links": links,
        "arxiv": arxiv,
        "tags": list(dict.fromkeys(tags)),
        "problem": _fill(rng.choice(PROBLEMS), filler),
        "method": _fill(rng.choice(METHODS), filler),
        "results": _fill(rng.choice(RESULTS), filler),
        "datasets": rng.sample(vocab["datasets"], k=rng.randint(1, 3)),
        "metrics": rng.sample(vocab["metrics"], k=rng.randint(1, 2)),
        "cites": cites,
        "insights": [_fill(rng.choice(INSIGHTS), filler) for _ in range(rng.randint(1, 2))],
    }


def _body(rng: random.Random, filler: _Filler, title: str) -> str:
    f = lambda t: _fill(t, filler)  # noqa: E731
    name = filler.name
    lines = [f"# {name}: {title}", "", "## 背景 / Background", ""]
    lines += [f(rng.choice(BG_ZH)) + " " + f(rng.choice(BG_EN)) for _ in range(2)]
    lines += ["", f"{f(rng.choice(BG_EN))} {f(rng.choice(BG_ZH))}", "", "## Method 方法", ""]
    lines += [f"{i}. {f(step)}" for i, step in enumerate(rng.sample(STEPS, k=4), start=1)]
    lines += [
        "",
        "The core update, in the paper's notation:",
        "",
        "$$",
        r"\theta_{t+1} = \theta_t - \eta \nabla_\theta \big( \mathcal{L}(x; \theta_t) + \lambda \lVert \theta_t \rVert_2^2 \big)",
        "$$",
        "",
        f"其中 $\\eta$ 是学习率，$\\lambda$ 控制正则强度；{f('{aspect_zh}')}对 $\\lambda$ 的选择影响很大。",
        "",
        "## Experiments 实验",
        "",
        "| Setting | Dataset | Metric | Result |",
        "| --- | --- | --- | --- |",
    ]
    for _ in range(rng.randint(3, 5)):
        lines.append(f"| {f('{component}')} | {f('{dataset}')} | {f('{metric}')} | {f('{score}')} (+{f('{gain}')}) |")
    lines += ["", f"- {f(rng.choice(RESULTS))}", f"- 消融实验说明 {f('{component}')} 贡献最大，去掉后 {f('{metric}')} 下降 {f('{gain}')}。",
              f"- Limitations: only evaluated on {f('{dataset}')}; {f('{aspect}')} is never varied.", ""]
    if rng.random() < 0.3:
        lines += ["```python", f"loss = {f('{loss}').split()[0].lower().replace('-', '_')}_loss(model(x), y)",
                  "loss.backward()", "```", ""]
    lines += ["## Notes 笔记", ""]
    lines += [f"- {f(rng.choice(BODY_IDEAS))}" for _ in range(rng.randint(1, 3))]
    lines.append(f"- 相关工作可以参考 [[{filler['ref']}]]，尤其是关于{f('{aspect_zh}')}的讨论。")
    return "\n".join(lines) + "\n"


def _skim_front_matter(rng: random.Random, note: SynthNote, filler: _Filler, title: str) -> dict:
    vocab = filler.vocab
    arxiv = f"{note.year % 100:02d}{rng.randint(1, 12):02d}.{rng.randint(0, 29999):05d}"
    return {
        **_identity(rng, note, title, max_authors=4),
        "field": note.fields[0],
        "type": rng.choice(PAPER_TYPES),
        "level": "skim",
        "tags": rng.sample(vocab["tags"], k=2),
        "links": {"paper": f"https://arxiv.org/abs/{arxiv}"},
        "cites": [k if rng.random() < 0.6 else {"key": k, "role": rng.choice(ROLES)} for k in note.cites],
    }


def _skim_body(rng: random.Random, filler: _Filler) -> str:
    bullets = rng.sample(SKIM_BULLETS, k=rng.randint(9, 11))
    return "\n".join(f"- {_fill(b, filler)}" for b in bullets) + "\n"


def render_note(note: SynthNote, seed: int, shape: str = "deep") -> str:
    rng = random.Random(f"{seed}:{note.key}")
    name = rng.choice(SYSTEM_NAMES) + ("" if rng.random() < 0.5 else f"-{rng.choice(['S', 'L', 'XL', 'v2', '3D'])}")
    # The very first notes have nothing older to link to: their wikilinks become plain words.
    filler = _Filler(rng, note, name, note.cites or [_NO_REF])
    title = _title(rng, filler)
    if shape == "skim":
        front = _skim_front_matter(rng, note, filler, title)
        body = _unlink(_skim_body(rng, filler))
        dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
        return f"---\n{dumped}---\n\n{body}"
    front = _front_matter(rng, note, filler, title)
    front["insights"] = [_unlink(i) for i in front["insights"]]
    body = _unlink(_body(rng, filler, title))
    dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{dumped}---\n\n{body}"


_NO_REF = "__none__"


def _unlink(text: str) -> str:
    return text.replace(f"[[{_NO_REF}]]", "earlier work")


def write_notes(out_dir: Path, count: int, seed: int = 1, shape: str = "deep") -> list[SynthNote]:
    """Write ``count`` notes of ``shape`` (SHAPES) to ``out_dir/papers/<key>.md``; returns the plan."""
    if shape not in SHAPES:
        raise ValueError(f"unknown note shape {shape!r}: one of {', '.join(SHAPES)}")
    papers = out_dir / "papers"
    papers.mkdir(parents=True, exist_ok=True)
    notes = plan(count, seed, shape)
    for note in notes:
        (papers / f"{note.key}.md").write_text(render_note(note, seed, shape), encoding="utf-8")
    return notes


def iter_words(text: str) -> Iterator[str]:
    """Words as a reader counts them: English words and single Chinese characters."""
    yield from re.findall(r"[A-Za-z][A-Za-z'-]*|[\u4e00-\u9fff]", text)
