"""spaCy's tok2vec networks (``MultiHashEmbed`` + ``MaxoutWindowEncoder``) run as one pass a batch.

en_core_web_sm has two: the shared one feeding the tagger and the parser, and the entity
recogniser's own. thinc runs each as some thirty layers, each a Python call with its own
temporary arrays: per column a hash, a lookup, a copy; a concatenation; per layer a window copy,
a matrix product, a bias, a maxout, four passes for the layer norm and a residual sum; the docs
flattened and split twice. Here a batch takes, per network:

1. one compiled kernel hashing every token's attributes (thinc's MurmurHash3 of each id, four
   keys a column) and summing the four embedding rows of each key into the first layer's input;
2. for each of the five maxout layers, the very matrix product thinc makes (``numpy.dot`` of
   the same array shapes, ``nlp.py`` routes thinc's gemm to numpy), then one compiled kernel for
   bias, maxout, layer norm and the residual sum, and one copying the next layer's windows
   (thinc's ``seq2col``).

The arithmetic is thinc's in thinc's order: the same float32 operations element by element, the
layer norm's row sums in numpy's pairwise order, the batch laid out as thinc's ``with_array``
does (four zero rows around every doc, which the window layers read and write). OpenBLAS's
results depend on a product's row count, so the products must be thinc's, shape for shape; then
the arrays are bit for bit thinc's (tested).

``TABLES`` (the default) goes one step further for the first layer: its input is the sum of four
rows of each column's table, and the product is linear, so each table times its slice of the
weights is computed once (``Plan._projected``, 11,100 rows x 288 for the shared network) and a
token's product is 24 row sums (16 for the recogniser's) instead of 576 x 288 multiplications,
about a third of the network's arithmetic. The sums then run in another order than the matrix
product's, so the arrays differ from thinc's in the last bits (largest difference about 4e-6);
the docs were checked the same instead (docs/scaling.md, tests). ``STORYSCOPE_FAST_TOK2VEC=exact``
keeps thinc's product. ``install`` swaps this forward in only where a model has exactly this
structure; ``ENABLED = False`` (or ``STORYSCOPE_FAST_TOK2VEC=0``) runs thinc's, for A/B.
"""

from __future__ import annotations

import os

import numpy

from ..jit import jit

# False: thinc's own layers (benchmarks/tok2vec.py's A/B, tests); STORYSCOPE_FAST_TOK2VEC=0 in
# the environment turns it off in every process of a run (benchmarks/pipeline.py's workers)
ENABLED = os.environ.get("STORYSCOPE_FAST_TOK2VEC", "1") != "0"
# True: the first layer's product from tables precomputed per column (see the module's
# docstring; the last bits differ from thinc's); False (STORYSCOPE_FAST_TOK2VEC=exact): thinc's
# product, bit for bit
TABLES = os.environ.get("STORYSCOPE_FAST_TOK2VEC", "1") != "exact"


@jit
def _murmur(val, seed, out):  # pragma: no cover - compiled
    # thinc's MurmurHash3_x86_128_uint64 (numpy_ops.pyx), 64-bit wrapping arithmetic
    s = numpy.uint64(seed)
    h1 = val * numpy.uint64(0x87C37B91114253D5)
    h1 = (h1 << numpy.uint64(31)) | (h1 >> numpy.uint64(33))
    h1 *= numpy.uint64(0x4CF5AD432745937F)
    h1 ^= s
    h1 ^= numpy.uint64(8)
    h2 = s ^ numpy.uint64(8)
    h1 += h2
    h2 += h1
    h1 ^= h1 >> numpy.uint64(33)
    h1 *= numpy.uint64(0xFF51AFD7ED558CCD)
    h1 ^= h1 >> numpy.uint64(33)
    h1 *= numpy.uint64(0xC4CEB9FE1A85EC53)
    h1 ^= h1 >> numpy.uint64(33)
    h2 ^= h2 >> numpy.uint64(33)
    h2 *= numpy.uint64(0xFF51AFD7ED558CCD)
    h2 ^= h2 >> numpy.uint64(33)
    h2 *= numpy.uint64(0xC4CEB9FE1A85EC53)
    h2 ^= h2 >> numpy.uint64(33)
    h1 += h2
    h2 += h1
    mask = numpy.uint64(0xFFFFFFFF)
    out[0] = h1 & mask
    out[1] = h1 >> numpy.uint64(32)
    out[2] = h2 & mask
    out[3] = h2 >> numpy.uint64(32)


@jit
def _embed(feats, tables, seeds, out, summed):  # pragma: no cover - compiled
    # thinc's HashEmbed per column (keys = hash(id, seed) % rows; gather_add from zero, key by
    # key); not summed: the columns side by side (the concatenation's row); summed: every
    # column's rows added into one (the projected tables: the first layer's product)
    n, ncols = feats.shape
    keys = numpy.empty(4, dtype=numpy.uint64)
    if summed:
        out[:, :] = numpy.float32(0.0)
    for c in range(ncols):
        table = tables[c]
        rows, width = table.shape
        nv = numpy.uint64(rows)
        o = 0 if summed else c * width
        for i in range(n):
            _murmur(feats[i, c], seeds[c], keys)
            if not summed:
                for j in range(width):
                    out[i, o + j] = numpy.float32(0.0)
            for k in range(4):
                r = numpy.int64(keys[k] % nv)
                for j in range(width):
                    out[i, o + j] += table[r, j]


@jit
def _pairwise_sum(a, n):  # pragma: no cover - compiled
    # numpy's float32 pairwise sum for n <= 128 (eight accumulators, then the rest in order)
    if n < 8:
        res = numpy.float32(0.0)
        for i in range(n):
            res += a[i]
        return res
    r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
    i = 8
    stop = n - n % 8
    while i < stop:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[i]
        i += 1
    return res


@jit
def _maxout_norm(Y, b, nP, G, beta, rows, out, residual):  # pragma: no cover - compiled
    # per row of the product: thinc's `Y += b`, maxout (its argmax: a tie keeps the earlier
    # piece), LayerNorm ((x - mean) * (var + 1e-8) ** -0.5 * G + b, numpy's sums) and, in the
    # encoder, the residual `X + Y`; row i goes to out[rows[i]]
    n = Y.shape[0]
    nO = G.shape[0]
    z = numpy.empty(nO, dtype=numpy.float32)
    d = numpy.empty(nO, dtype=numpy.float32)
    eps = numpy.float32(1e-08)
    half = numpy.float32(-0.5)
    width = numpy.float32(nO)
    pieces = numpy.empty(nO * nP, dtype=numpy.float32)
    for i in range(n):
        for k in range(nO * nP):
            pieces[k] = Y[i, k] + b[k]
        for o in range(nO):
            k = o * nP + nP - 1
            m = pieces[k]
            for p in range(nP - 2, -1, -1):
                v = pieces[o * nP + p]
                m = m if m > v else v
            z[o] = m
        mean = _pairwise_sum(z, nO) / width
        for o in range(nO):
            t = z[o] - mean
            d[o] = t * t
        var = _pairwise_sum(d, nO) / width + eps
        scale = var**half
        r = rows[i]
        for o in range(nO):
            y = (z[o] - mean) * scale * G[o] + beta[o]
            if residual:
                out[r, o] = out[r, o] + y
            else:
                out[r, o] = y


@jit
def _windows(X, cols):  # pragma: no cover - compiled
    # thinc's seq2col with one token either side over the whole (padded) batch: zeros at its ends
    n, w = X.shape
    for j in range(w):
        cols[0, j] = numpy.float32(0.0)
        cols[n - 1, 2 * w + j] = numpy.float32(0.0)
    for i in range(n):
        for j in range(w):
            cols[i, w + j] = X[i, j]
        if i > 0:
            for j in range(w):
                cols[i, j] = X[i - 1, j]
        if i + 1 < n:
            for j in range(w):
                cols[i, 2 * w + j] = X[i + 1, j]


class _Maxout:
    """One ``maxout >> layernorm >> dropout`` block's parameters, read from the model each call."""

    def __init__(self, maxout, norm) -> None:
        self.maxout, self.norm = maxout, norm

    def product(self, X):
        # thinc's Maxout: gemm(X, W.reshape(nO * nP, nI), trans2=True), i.e. numpy.dot(X, W.T)
        W = self.maxout.get_param("W")
        nO, nP, nI = W.shape
        return numpy.dot(X, W.reshape(nO * nP, nI).T)

    def finish(self, Y, rows, out, residual: bool) -> None:
        nP = self.maxout.get_dim("nP")
        b = numpy.ascontiguousarray(self.maxout.get_param("b")).reshape(-1)
        G, beta = self.norm.get_param("G"), self.norm.get_param("b")
        _maxout_norm(Y, b, nP, G, beta, rows, out, residual)


class Plan:
    """What the fast forward needs of one spaCy Tok2Vec model: its columns, tables, layers."""

    def __init__(self, columns, embeds, first: _Maxout, layers: list[_Maxout], pad: int) -> None:
        self.columns = columns
        self.embeds = embeds  # HashEmbed models, one a column, in order
        self.first = first
        self.layers = layers
        self.pad = pad
        self._tables: tuple = ()
        self._tables_of: tuple = ()

    def _projected(self) -> tuple:
        """Each column's embedding table times its slice of the first layer's weights, (rows, nO * nP).

        Made again when a parameter array is replaced (``set_param``); storyscope never trains,
        a caller that updated the arrays in place would have to set ``TABLES = False``.
        """
        W = self.first.maxout.get_param("W")
        tables = tuple(e.get_param("E") for e in self.embeds)
        key = (id(W), *map(id, tables))
        if key != self._tables_of:
            nO, nP, nI = W.shape
            W2 = W.reshape(nO * nP, nI)
            starts = numpy.cumsum([0] + [t.shape[1] for t in tables])
            self._tables = tuple(
                numpy.ascontiguousarray(numpy.dot(t, W2[:, a:b].T)) for t, a, b in zip(tables, starts, starts[1:])
            )
            self._tables_of = key
        return self._tables

    def forward(self, docs) -> list:
        lengths = [len(doc) for doc in docs]
        feats = numpy.ascontiguousarray(
            numpy.concatenate([doc.to_array(self.columns).reshape(n, len(self.columns)) for doc, n in zip(docs, lengths) if n]),
            dtype=numpy.uint64,
        )
        n = len(feats)
        seeds = numpy.array([e.attrs["seed"] for e in self.embeds], dtype=numpy.uint32)
        if TABLES:
            projected = self._projected()
            Y = numpy.empty((n, projected[0].shape[1]), dtype=numpy.float32)
            _embed(feats, projected, seeds, Y, True)
        else:
            tables = tuple(e.get_param("E") for e in self.embeds)
            X = numpy.empty((n, sum(t.shape[1] for t in tables)), dtype=numpy.float32)
            _embed(feats, tables, seeds, X, False)
            Y = self.first.product(X)
        # thinc's with_array(pad=4) layout: `pad` zero rows before every non-empty doc and at the end
        pad, width = self.pad, self.first.norm.get_param("G").shape[0]
        starts, rows, r = [], numpy.empty(n, dtype=numpy.int64), 0
        i = 0
        for length in lengths:
            if length:
                r += pad
                rows[i : i + length] = numpy.arange(r, r + length)
                i += length
            starts.append(r)
            r += length
        total = r + pad
        P = numpy.zeros((total, width), dtype=numpy.float32)
        self.first.finish(Y, rows, P, residual=False)
        every = numpy.arange(total, dtype=numpy.int64)
        cols = numpy.empty((total, 3 * width), dtype=numpy.float32)
        for layer in self.layers:
            _windows(P, cols)
            layer.finish(layer.product(cols), every, P, residual=True)
        return [P[s : s + length] for s, length in zip(starts, lengths)]


def _leaves(model) -> list:
    """The layers of a chain in order, nested chains opened."""
    from thinc.layers.chain import forward as chain_forward

    if model._func is chain_forward:
        return [leaf for layer in model.layers for leaf in _leaves(layer)]
    return [model]


def _block(layers, window: bool) -> _Maxout | None:
    names = [layer.name for layer in layers]
    want = (["expand_window"] if window else []) + ["maxout", "layernorm", "dropout"]
    if names != want or (window and layers[0].attrs.get("window_size") != 1):
        return None
    maxout, norm = layers[-3], layers[-2]
    if maxout.get_param("W").dtype != numpy.float32 or norm.get_param("G").dtype != numpy.float32:
        return None
    return _Maxout(maxout, norm)


def plan(model) -> Plan | None:
    """The plan of a spaCy ``Tok2Vec.v2`` (MultiHashEmbed, MaxoutWindowEncoder) model, else None."""
    from thinc.layers.with_array import forward as with_array_forward

    leaves = _leaves(model)
    names = [layer.name for layer in leaves]
    if len(leaves) != 6 or names[:2] != ["extract_features", "list2ragged"] or names[4] != "ragged2list":
        return None
    concat, first, encode = leaves[2], leaves[3], leaves[5]
    if not all(m._func is with_array_forward for m in (concat, first, encode)):
        return None
    embeds = []
    for c, branch in enumerate(concat.layers[0].layers):
        parts = _leaves(branch)
        if [p.name for p in parts] != ["ints-getitem", "hashembed"] or parts[0].attrs.get("index") != (slice(0, None), c):
            return None
        if parts[1].get_param("E").dtype != numpy.float32:
            return None
        embeds.append(parts[1])
    if len(embeds) != len(leaves[0].attrs["columns"]):
        return None
    first_block = _block(_leaves(first.layers[0]), window=False)
    residuals = _leaves(encode.layers[0])
    blocks = []
    for res in residuals:
        if not res.name.startswith("residual(") or len(res.layers) != 1:
            return None
        blocks.append(_block(_leaves(res.layers[0]), window=True))
    if first_block is None or not blocks or any(b is None for b in blocks):
        return None
    return Plan(list(leaves[0].attrs["columns"]), embeds, first_block, blocks, int(encode.attrs["pad"]))


def _swap(model, the_plan: Plan) -> bool:
    original = model._func
    if getattr(original, "tok2vec_fast", False):  # installed already
        return False

    def forward(model, docs, is_train):
        if is_train or not ENABLED or not docs or not all(hasattr(d, "to_array") for d in docs):
            return original(model, docs, is_train)
        if not any(len(d) for d in docs):
            return original(model, docs, is_train)
        out = the_plan.forward(docs)

        def backprop(d_out):  # inference only: training goes through thinc's layers (is_train)
            raise NotImplementedError("tok2vec_fast is for inference")

        return out, backprop

    forward.tok2vec_fast = True  # type: ignore[attr-defined]
    forward.plan = the_plan  # type: ignore[attr-defined]
    model._func = forward
    return True


def install(nlp) -> int:
    """Swap the fast forward into every tok2vec network of ``nlp`` it fits; how many it swapped."""
    swapped = 0
    for _, proc in nlp.pipeline:
        proc = getattr(proc, "ner", proc)  # nlp.py's GreedyNER wraps spaCy's recogniser
        model = getattr(proc, "model", None)
        if model is None:
            continue
        for node in model.walk():
            p = plan(node) if node.name.startswith("extract_features>>") else None
            if p is not None and _swap(node, p):
                swapped += 1
    return swapped
