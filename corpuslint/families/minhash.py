"""MinHash signatures, LSH banding and union-find for DUP102 near-duplicate-document.

The collect side runs in the workers, once per document: word shingles ->
64-bit shingle hashes -> ``bands * rows`` minimum hashes -> one 64-bit key per
band. Only the band keys (and the exact-text hash) travel to the parent. The
finalize side sorts each band column and pairs the documents that share a key
(the LSH candidates). See huggingface/datatrove
``src/datatrove/pipeline/dedup/minhash.py`` for the same scheme on disk.

numpy is imported on use, never at import time (``import corpuslint`` stays
fast, and a run without DUP102 never loads it).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

__all__ = ["KEY_BYTES", "UnionFind", "band_keys", "crc_hashes", "doubled_ngram_hashes", "lsh_candidate_pairs", "mixed", "ngram_hashes", "shingle_hashes", "word_hashes"]

#: more shingles than this are deduplicated first (np.unique) before MinHashing
_CHUNK = 4096
#: (shingle, hash function) pairs MinHashed at once: 128 shingles x 120 hash functions, a
#: 120 KB block that stays in the L2 cache and under malloc's 128 KB mmap threshold (a
#: 240 KB block was mapped and unmapped, page faults included, for each document in some
#: runs: DUP102 took 1.4 times as long); the tiled permutations take as much again, twice
_BLOCK_CELLS = 128 * 120
#: bytes kept of each 64-bit band key: 48 bits make a chance collision of two documents in a
#: band 1 in 2^48, a handful of false candidates (each rejected on its true Jaccard) in 10M documents
KEY_BYTES = 6
_GOLDEN = 0x9E3779B97F4A7C15  # odd 64-bit constant (2^64 / golden ratio)
_MIX1 = 0xBF58476D1CE4E5B9  # splitmix64 finalizer constants
_MIX2 = 0x94D049BB133111EB


def _np() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is a declared dependency
        raise RuntimeError("DUP102 near-duplicate-document needs numpy: pip install numpy") from None
    return numpy


@lru_cache(maxsize=8)
def _permutations(n: int, seed: int = 1) -> tuple[Any, Any, Any]:
    """(a, b, c): odd multipliers and offsets of the ``n`` hash functions, and band mixing constants.

    Fixed by ``seed`` so that every worker, every run and the cache agree.
    """
    np = _np()
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=n, dtype=np.uint64)
    c = rng.integers(1, 2**63, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    return a, b, c


@lru_cache(maxsize=8)
def _band_constants(bands: int, rows: int) -> tuple[Any, Any, Any]:
    """band_keys' row multipliers (``c`` of :func:`_permutations`), band numbers and shift, made once."""
    np = _np()
    return _permutations(bands * rows)[2][:rows], np.arange(bands, dtype=np.uint64), np.uint64(32)


def _block(n: int) -> int:
    """Shingles MinHashed at once with ``n`` hash functions."""
    return max(1, _BLOCK_CELLS // n)


@lru_cache(maxsize=8)
def _tiled_permutations(n: int) -> tuple[Any, Any]:
    """The multipliers and offsets of :func:`_permutations` repeated ``_block(n)`` times end to end."""
    np = _np()
    a, b, _ = _permutations(n)
    return np.tile(a, _block(n)), np.tile(b, _block(n))


@lru_cache(maxsize=1)
def _mix_constants() -> tuple[Any, ...]:
    """:func:`_mix`'s shifts and multipliers as numpy scalars (made once: each costs a call)."""
    np = _np()
    return tuple(np.uint64(v) for v in (30, _MIX1, 27, _MIX2, 31))


def _mix(x: Any) -> Any:
    """splitmix64's finalizer on a uint64 array (in place): spreads the bits of a linear combination.

    Array arithmetic wraps around mod 2^64 without a warning (only numpy scalars warn, and none
    is multiplied here or elsewhere in this module): no np.errstate.
    """
    s1, m1, s2, m2, s3 = _mix_constants()
    x ^= x >> s1
    x *= m1
    x ^= x >> s2
    x *= m2
    x ^= x >> s3
    return x


def word_hashes(words: Sequence[str]) -> Any:
    """uint64 array of the CRC-32 of each word's UTF-8 bytes.

    One encode of the joined words and one bytes.split (a word holds no line break: the
    words are whitespace-split), then :func:`crc_hashes`.
    """
    if not words:
        return crc_hashes((), 0)
    return crc_hashes("\n".join(words).encode("utf-8", "surrogatepass").split(b"\n"), len(words))


def crc_hashes(parts: Iterable[bytes], count: int = -1) -> Any:
    """uint64 array of the CRC-32 of each of the ``parts`` (``count`` of them, when known: -1 for
    unknown): crc32 mapped in C (a generator was twice as slow), read straight from an iterator
    (a document's words need not be listed)."""
    return _np().fromiter(map(zlib.crc32, parts), dtype=_np().uint64, count=count)


@lru_cache(maxsize=64)
def _golden_power(e: int) -> Any:
    """G^e mod 2^64 as a numpy scalar (G = _GOLDEN)."""
    return _np().uint64(pow(_GOLDEN, e, 1 << 64))


def ngram_hashes(hashes: Any, size: int) -> Any:
    """uint64 polynomial hashes of the ``size``-grams of word ``hashes`` (a 1-element array for fewer words)."""
    m = len(hashes) - size + 1
    if m <= 0:
        m, size = 1, len(hashes)
    # The hash of the run of ``size`` words at i is H_size(i) = sum of hashes[i + j] * G^(size - j),
    # mod 2^64. Runs are put together by doubling, H_(a+b)(i) = H_a(i) * G^b + H_b(i + a): the
    # same integers as the word-by-word loop (size multiply-adds), in about 2 log2(size) passes.
    power = hashes * _golden_power(1)  # H_1
    width = 1
    out = None  # H_done over the first positions, for the bits of size taken so far
    done = 0
    while True:
        if size & width:
            if out is None:
                out = power.copy()
            else:  # H_(done+width)(i) = H_done(i) * G^width + H_width(i + done)
                n = len(power) - done
                out = out[:n] * _golden_power(width) + power[done:]
            done += width
        if width * 2 > size:
            break
        # H_2w(i) = H_w(i) * G^w + H_w(i + w)
        power = power[:-width] * _golden_power(width) + power[width:]
        width *= 2
    assert out is not None
    return out[:m]


def doubled_ngram_hashes(half: Any, size: int) -> Any:
    """``ngram_hashes(hashes, 2 * size)`` from ``half = ngram_hashes(hashes, size)``, for at least ``2 * size`` hashes.

    H_2s(i) = H_s(i) * G^s + H_s(i + s), the step of ngram_hashes' doubling: one pass.
    """
    return half[:-size] * _golden_power(size) + half[size:]


def shingle_hashes(words: Sequence[str], size: int) -> Any:
    """uint64 hashes of the word ``size``-grams (a 1-element array for a shorter text)."""
    return mixed(ngram_hashes(word_hashes(words), size))


def mixed(grams: Any) -> Any:
    """Shingle hashes from the :func:`ngram_hashes` ``grams`` (left unchanged): each through splitmix64's finalizer."""
    return _mix(grams.copy())


def band_keys(shingles: Any, bands: int, rows: int) -> bytes:
    """MinHash the shingles with ``bands * rows`` hash functions; one key per band (``KEY_BYTES`` each)."""
    np = _np()
    k = bands * rows
    a_tiled, b_tiled = _tiled_permutations(k)
    c, band_numbers, shift = _band_constants(bands, rows)
    if len(shingles) > _CHUNK:
        shingles = np.unique(shingles)
    mins = None
    block = _block(k)
    for i in range(0, len(shingles), block):
        # shingles x hash functions, flat: each shingle repeated k times against the tiled
        # multipliers and offsets, so that every operation runs on contiguous 1-D arrays (a
        # broadcast outer product is slower), a block small enough to stay in the L2 cache
        ph = np.repeat(shingles[i : i + block], k)
        ph *= a_tiled[: len(ph)]
        ph += b_tiled[: len(ph)]
        m = ph.reshape(-1, k).min(axis=0)
        mins = m if mins is None else np.minimum(mins, m)
    # the top 32 bits of (a*x + b) mod 2^64: multiply-shift hashing (Dietzfelbinger et al. 1997)
    mins >>= shift
    # each band's sum of its rows times c, mod 2^64 (an integer dot product wraps around), plus its number
    keys = np.dot(mins.reshape(bands, rows), c)
    keys += band_numbers
    return bytes(_mix(keys).astype("<u8", copy=False).view(np.uint8).reshape(bands, 8)[:, :KEY_BYTES].tobytes())


def lsh_candidate_pairs(column: Callable[[int], Any], n: int, bands: int) -> Any:
    """Pairs (i, j), i < j, of the ``n`` documents equal in at least one band.

    ``column(j)`` gives band ``j``'s keys of all documents as a uint64 array: one
    column at a time, so the parent never holds more than a few arrays of n integers.
    Inside a bucket (documents sharing a band key) each member is paired with the
    bucket's first member and with the member before it: linear in the bucket
    size, and enough for union-find to join the whole cluster.
    """
    np = _np()
    out = []
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    positions = np.arange(n, dtype=np.int64)
    for j in range(bands):
        col = column(j)
        order = np.argsort(col, kind="stable")  # stable: members of a bucket stay in document order
        s = col[order]
        same = s[1:] == s[:-1]
        del col, s
        if not same.any():
            continue
        cont = np.nonzero(same)[0] + 1  # sorted positions that continue a bucket
        starts = np.ones(n, dtype=bool)
        starts[1:] = ~same
        first_pos = np.maximum.accumulate(np.where(starts, positions, 0))
        member = order[cont]
        out.append(np.stack([order[first_pos[cont]], member], axis=1))
        out.append(np.stack([order[cont - 1], member], axis=1))
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(out)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    code = np.unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    return np.stack([code // n, code % n], axis=1)


class UnionFind:
    """Disjoint sets over 0..n-1 (path halving, union by lower index: the root is the first document)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = (ra, rb) if ra < rb else (rb, ra)
            self.parent[hi] = lo
