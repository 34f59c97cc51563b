"""The naive baseline every text figure is printed beside: TF-IDF + logistic regression.

Trained by ``models train`` on exactly the rows the shipped models are trained on (word unigrams
and bigrams, scikit-learn's own tokeniser), its thresholds chosen the same way on the same
calibration rows. It is never shipped: it exists so that a figure of the shipped model can be read
against what the simplest standard model gets on the same split. Losing to it is a bug.

Two inputs are measured: the shipped models' normal form (the fair comparison of the model), and
the raw text, which shows what the data sets' surface gives away: links are written
``http://t.co`` in the 2012-2013 negatives and ``https://t.co`` in the 2015-2016 pro-IS tweets, so
a raw-text model learns the era from the link (see ``link_sensitivity`` in the metrics).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def _identity(text: str) -> str:
    return text


class TfidfBaseline:
    def __init__(self, *, c: float = 1.0, seed: int = 0, prepare: Callable[[str], str] = _identity) -> None:
        self.prepare = prepare
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.clf: Any = LogisticRegression(
            C=c, solver="liblinear", class_weight="balanced", random_state=seed, max_iter=2000
        )

    def fit(self, texts: Sequence[str], y: Sequence[int]) -> TfidfBaseline:
        self.clf.fit(self.vectorizer.fit_transform([self.prepare(t) for t in texts]), list(y))
        return self

    def scores(self, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        x = self.vectorizer.transform([self.prepare(t) for t in texts])
        return [float(p) for p in self.clf.predict_proba(x)[:, 1]]
