from __future__ import annotations

import hashlib
import random

import pytest

from cauterize.known import file_hash, url


def test_exact_file_hash_matches_only_the_same_digest() -> None:
    idx = file_hash.FileHashIndex("sha256")
    a = hashlib.sha256(b"ashen banner leaflet v1").hexdigest()
    b = hashlib.sha256(b"ashen banner leaflet v2").hexdigest()
    idx.add("e1", a.upper())
    assert idx.query(a) == [("e1", 0)]
    assert idx.query(b) == []
    assert idx.query("not-a-hash") == []


def test_bad_digest_rejected_at_load() -> None:
    with pytest.raises(ValueError):
        file_hash.FileHashIndex("md5").add("e", "abc")


def test_file_hash_fast_and_naive_agree() -> None:
    rng = random.Random(3)
    fast, naive = file_hash.FileHashIndex("md5"), file_hash.NaiveFileHashIndex("md5")
    digests = [hashlib.md5(str(rng.random()).encode()).hexdigest() for _ in range(300)]
    for i, d in enumerate(digests):
        fast.add(f"e{i}", d)
        naive.add(f"e{i}", d)
    fast.add("dup", digests[5])
    naive.add("dup", digests[5])
    for q in digests[:50] + [hashlib.md5(b"x%d" % i).hexdigest() for i in range(50)]:
        assert sorted(fast.query(q)) == sorted(naive.query(q))
    assert sorted(fast.query(digests[5])) == [("dup", 0), ("e5", 0)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.Paste.example/abc/", "http://paste.example/abc"),
        ("paste.example/abc?utm_source=x&id=3&fbclid=zz", "https://paste.example/abc?id=3"),
        ("https://paste.example/abc?b=2&a=1#frag", "paste.example/abc?a=1&b=2"),
        ("https://PASTE.example:443/abc", "paste.example/abc"),
    ],
)
def test_url_normalisation_equates_shares_of_one_link(a: str, b: str) -> None:
    assert url.normalize_url(a) == url.normalize_url(b)


def test_url_normalisation_keeps_what_changes_the_target() -> None:
    assert url.normalize_url("paste.example/abc?id=3") != url.normalize_url("paste.example/abc?id=4")
    assert url.normalize_url("paste.example/abc") != url.normalize_url("paste.example/abd")


def test_domain_entries_match_subdomains_but_not_lookalikes() -> None:
    idx = url.UrlIndex()
    idx.add("locker", "domain", "files.example")
    idx.add("paste", "url", "https://paste.example/AbC")
    assert idx.query("https://dl.files.example/x/y") == [("locker", "files.example")]
    assert idx.query("https://notfiles.example/x") == []
    assert idx.query("http://www.paste.example/AbC/?utm_medium=social") == [("paste", "paste.example/AbC")]
    assert idx.query("http://paste.example/abc") == []  # paths are case-sensitive


def test_url_fast_and_naive_agree() -> None:
    rng = random.Random(7)
    hosts = [f"h{i}.example" for i in range(30)]
    fast, naive = url.UrlIndex(), url.NaiveUrlIndex()
    for i in range(200):
        kind = rng.choice(["url", "domain"])
        host = rng.choice(hosts)
        value = host if kind == "domain" else f"https://{host}/p{rng.randrange(20)}"
        fast.add(f"e{i}", kind, value)
        naive.add(f"e{i}", kind, value)
    for _ in range(300):
        q = f"http://{rng.choice(['', 'www.', 'a.'])}{rng.choice(hosts)}/p{rng.randrange(25)}/?utm_x=1"
        assert sorted(fast.query(q)) == sorted(naive.query(q))
