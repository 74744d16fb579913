"""`paperkb import posts DIR|FILE...`: Hexo, Hugo, Astro and Jekyll posts as mkdocs-material blog posts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..importers.posts import GENERATORS, PostsImportReport, import_posts
from ..importers.writer import Outcome
from .imports import print_warnings_and_dry_run
from .workspace import add_notes_option, find_workspace, plugin_options


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "posts", help="convert Hexo / Astro / Jekyll posts to blog posts (never overwrites a post)",
        description="Convert Hexo, Hugo, Astro and Jekyll posts (files, or folders such as a site's source/_posts, "
                    "_posts or src/content) to mkdocs-material blog posts: the whole body and every unmapped "
                    "front-matter field are kept.")
    parser.add_argument("sources", nargs="+", metavar="DIR|FILE")
    parser.add_argument("--out", help="folder for the posts (default: the blog plugin's post_dir in mkdocs.yml, "
                                      "else <notes>/blog/posts)")
    add_notes_option(parser)
    parser.add_argument("--from", dest="generator", choices=GENERATORS,
                        help="the generator the posts were written for (default: tell from each post)")
    parser.add_argument("--add-authors", action="store_true",
                        help="add authors missing from the blog's .authors.yml to it (default: keep them in "
                             "'author' and warn)")
    parser.add_argument("--authors-file", help="the blog's authors file (default: the blog plugin's authors_file, "
                                               "else <notes>/blog/.authors.yml)")
    parser.add_argument("--dry-run", action="store_true", help="print what would be created; write nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = [s for s in args.sources if not Path(s).exists()]
    if missing:
        print(f"paperkb import posts: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    workspace = find_workspace(args.notes)
    blog = blog_settings(workspace.config_file)
    out = Path(args.out) if args.out else workspace.notes_dir / blog["post_dir"]
    authors_file = Path(args.authors_file) if args.authors_file else workspace.notes_dir / blog["authors_file"]
    report = import_posts([Path(s) for s in args.sources], out_dir=out, notes_dir=workspace.notes_dir,
                          dry_run=args.dry_run, generator=args.generator, add_authors=args.add_authors,
                          authors_file=authors_file, project_root=workspace.root)
    print_report(report, dry_run=args.dry_run)
    return 0


def blog_settings(config_file: Path | None) -> dict[str, str]:
    """Where mkdocs.yml's blog plugin keeps posts and authors (relative to docs_dir); its defaults
    when there is no blog plugin yet (`blog/posts`, `blog/.authors.yml`)."""
    options = plugin_options(config_file, "blog", "material/blog")
    blog_dir = str(options.get("blog_dir", "blog")).strip("/") or "."
    return {key: str(options.get(key, default)).format(blog=blog_dir)
            for key, default in (("post_dir", "{blog}/posts"), ("authors_file", "{blog}/.authors.yml"))}


def print_report(report: PostsImportReport, *, dry_run: bool) -> None:
    writer = report.writer
    kinds = ", ".join(f"{name} {count}" for name, count in sorted(report.by_generator.items()))
    print(f"posts: {len(report.posts)}" + (f" ({kinds})" if kinds else ""))
    verb = "would create" if dry_run else "created"
    created = [p for p in report.posts if p.result and p.result.outcome in (Outcome.CREATED, Outcome.WOULD_CREATE)]
    skipped = [p for p in report.posts if p.result and p.result.skipped]
    print(f"{verb} {len(created)}, skipped {len(skipped)}")
    for post in created:
        print(f"  {verb}: {writer.show(post.result.path)} (from {writer.show(post.source)}, {post.generator})")
    for post in skipped:
        print(f"  skipped: {writer.show(post.result.path)} ({post.result.skip_reason})")
    if report.authors_added and report.authors_result is not None:
        print(f"authors: {report.authors_result.outcome.value} {writer.show(report.authors_result.path)}: "
              f"{', '.join(report.authors_added)}")
    print_warnings_and_dry_run(report.problems, dry_run=dry_run)
