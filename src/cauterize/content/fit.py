"""Fitting one calibrated linear model (needs scikit-learn and scipy: the ``train`` extra).

Deterministic by construction: the vocabulary and every row's columns are sorted (set order
depends on PYTHONHASHSEED), liblinear is seeded, and weights are rounded before they are saved,
so the same data and seed give byte-identical model files. Weights leave here keyed by CRC-32
(``linear.hashed``): the n-gram strings of the training text stay out of the model file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from cauterize.content.features import FeatureSpec, extract
from cauterize.content.linear import LinearTextModel, hashed, keys_of, script_key

#: A script gets its own calibration only with at least this many calibration rows of each class.
MIN_SCRIPT_CLASS = 10


def _require() -> Any:
    try:
        import numpy as np
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError("training needs the 'train' extra: pip install 'cauterize[train]'") from exc
    return np, sparse, LogisticRegression


def fit_linear(
    name: str,
    version: str,
    spec: FeatureSpec,
    train: Sequence[str],
    y: Sequence[int],
    calib: Sequence[str],
    calib_y: Sequence[int],
    *,
    seed: int,
    c: float = 1.0,
    min_df: int = 2,
    keep: int = 60_000,
    meta: Mapping[str, Any] | None = None,
    balanced_calibration: bool = False,
    sample_weight: Sequence[float] | None = None,
) -> LinearTextModel:
    """Logistic regression on L2-normalised binary n-grams, then Platt scaling on ``calib``.

    Classes are balanced during fitting (positives are rare in most mixes); the Platt step on the
    held-out split brings the scores back to that split's class mix, or, with
    ``balanced_calibration``, to even odds: the score then says how strongly the text looks like a
    positive whatever the base rate (threats are about 1% of the calibration rows, and a mix-calibrated
    threat score never reaches the policy's escalation level). Only the ``keep`` largest
    weights are shipped, and calibration is fitted on the pruned model, i.e. on what ships.
    ``sample_weight`` multiplies the balanced class weights row by row (hard negatives, see
    ``train.TrainConfig.confounder_weight``).
    """
    np, sparse, LogisticRegression = _require()
    feats = [extract(t, spec) for t in train]
    word_df: Counter[str] = Counter()
    char_df: Counter[str] = Counter()
    for words, chars in feats:
        word_df.update(words)
        char_df.update(chars)
    vocab_w = sorted(f for f, n in word_df.items() if n >= min_df)
    vocab_c = sorted(f for f, n in char_df.items() if n >= min_df)
    index_w = {f: i for i, f in enumerate(vocab_w)}
    offset = len(vocab_w)
    index_c = {f: offset + i for i, f in enumerate(vocab_c)}
    rows, cols, vals = [], [], []
    for r, (words, chars) in enumerate(feats):
        n = len(words) + len(chars)
        if not n:
            continue
        idx = sorted([index_w[f] for f in words if f in index_w] + [index_c[f] for f in chars if f in index_c])
        rows.extend([r] * len(idx))
        cols.extend(idx)
        vals.extend([1.0 / n**0.5] * len(idx))
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(feats), offset + len(vocab_c)), dtype=np.float64)
    x.sort_indices()
    clf = LogisticRegression(
        C=c, solver="liblinear", class_weight="balanced", random_state=seed, max_iter=2000, tol=1e-6
    )
    clf.fit(x, np.asarray(y), sample_weight=None if sample_weight is None else np.asarray(sample_weight))
    coef = clf.coef_[0]
    order = np.argsort(-np.abs(coef), kind="stable")[:keep]
    names = vocab_w + vocab_c
    word_weights: dict[str, float] = {}
    char_weights: dict[str, float] = {}
    for i in sorted(order.tolist()):
        w = round(float(coef[i]), 5)
        if w:
            (word_weights if i < offset else char_weights)[names[i]] = w
    word_keyed, char_keyed = hashed(word_weights), hashed(char_weights)
    model = LinearTextModel(
        name=name,
        version=version,
        spec=spec,
        word_weights=word_keyed,
        char_weights=char_keyed,
        bias=round(float(clf.intercept_[0]), 6),
        meta=dict(meta or {}),
    )
    raws = [model.raw(keys_of(model.features(t))) for t in calib]
    a, b = platt(np, LogisticRegression, raws, calib_y, balanced_calibration)
    by_script: dict[str, tuple[float, float]] = {}
    scripts = [script_key(t) for t in calib]
    for script in ("arabic",):
        ys = [y for y, sc in zip(calib_y, scripts, strict=True) if sc == script]
        if min(sum(ys), len(ys) - sum(ys)) >= MIN_SCRIPT_CLASS:
            rs = [r for r, sc in zip(raws, scripts, strict=True) if sc == script]
            by_script[script] = platt(np, LogisticRegression, rs, ys, balanced_calibration)
    return LinearTextModel(
        name=name,
        version=version,
        spec=spec,
        word_weights=word_keyed,
        char_weights=char_keyed,
        bias=model.bias,
        platt_a=a,
        platt_b=b,
        platt_by_script=by_script,
        meta={
            **dict(meta or {}),
            "vocabulary": len(names),
            "shipped_weights": len(word_keyed) + len(char_keyed),
            "calibration": "platt, balanced classes" if balanced_calibration else "platt, calibration mix",
        },
    )


def platt(
    np: Any, LogisticRegression: Any, raw: Sequence[float], y: Sequence[int], balanced: bool = False
) -> tuple[float, float]:
    """Fit ``p = sigmoid(a * raw + b)`` by (nearly unregularised) logistic regression."""
    if len(set(y)) < 2:
        raise ValueError("calibration split needs both classes")
    lr = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000, class_weight="balanced" if balanced else None)
    lr.fit(np.asarray(raw, dtype=np.float64).reshape(-1, 1), np.asarray(y))
    return round(float(lr.coef_[0][0]), 6), round(float(lr.intercept_[0]), 6)
