"""URL and domain lists (paste sites, file lockers, an outlet's mirrors).

Two signal types: ``url`` matches one normalised URL exactly; ``domain`` matches the host and
every sub-domain of it (``files.example`` matches ``dl.files.example``). Normalising drops what
varies between shares of the same link and never changes the target: the scheme, ``www.``,
a trailing slash, the fragment, tracking parameters and the order of the remaining ones.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

SIGNAL_TYPES = ("url", "domain")

_TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src", "si", "s", "t"}


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].lower()
    if host.startswith("[") or host.count(":") != 1:
        host = host
    else:
        name, _, port = host.partition(":")
        host = name if port in {"80", "443", ""} else host
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def normalize_url(url: str) -> str:
    """``https://WWW.Paste.example/abc/?utm_source=x#top`` -> ``paste.example/abc``."""
    u = url.strip()
    if "://" not in u:
        u = "http://" + u
    parts = urlsplit(u)
    host = _host(parts.netloc)
    path = parts.path.rstrip("/")
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    )
    out = host + path
    return out + "?" + urlencode(query) if query else out


def normalize_domain(value: str) -> str:
    v = value.strip()
    return _host(urlsplit(v if "://" in v else "http://" + v).netloc)


def normalize(signal_type: str, value: str) -> str:
    return normalize_url(value) if signal_type == "url" else normalize_domain(value)


def _suffixes(host: str) -> list[str]:
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


class UrlIndex:
    """Dict lookups: the normalised URL, then each parent domain of its host."""

    def __init__(self) -> None:
        self._urls: dict[str, list[str]] = {}
        self._domains: dict[str, list[str]] = {}

    def add(self, entry_id: str, signal_type: str, value: str) -> None:
        table = self._urls if signal_type == "url" else self._domains
        table.setdefault(normalize(signal_type, value), []).append(entry_id)

    def __len__(self) -> int:
        return sum(map(len, self._urls.values())) + sum(map(len, self._domains.values()))

    def query(self, url: str) -> list[tuple[str, str]]:
        """(entry id, what matched: the normalised URL or the listed domain)."""
        norm = normalize_url(url)
        out = [(e, norm) for e in self._urls.get(norm, ())]
        for suffix in _suffixes(normalize_domain(url)):
            out.extend((e, suffix) for e in self._domains.get(suffix, ()))
        return out


class NaiveUrlIndex:
    """Linear scan, the reference for :class:`UrlIndex`."""

    def __init__(self) -> None:
        self._entries: list[tuple[str, str, str]] = []

    def add(self, entry_id: str, signal_type: str, value: str) -> None:
        self._entries.append((entry_id, signal_type, normalize(signal_type, value)))

    def __len__(self) -> int:
        return len(self._entries)

    def query(self, url: str) -> list[tuple[str, str]]:
        norm = normalize_url(url)
        host = normalize_domain(url)
        out = [(e, v) for e, st, v in self._entries if st == "url" and v == norm]
        out += [(e, v) for e, st, v in self._entries if st == "domain" and (host == v or host.endswith("." + v))]
        return out
