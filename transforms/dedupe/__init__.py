"""Dedupe: one article per story, every other copy a `duplicates` row with its reason.

Beam glue: `dedupe_exact` (same URL or same text), `near_dedupe` (MinHash + LSH within the
input), `read_minhash_index` (the index of earlier runs), `cross_window_dedupe` (earlier
windows of a stream). Rules: `duplicate_rows` (which copy is kept), `minhash`,
`components` (connected components), `index_files`.
"""

from newsbeam.transforms.lazy_exports import lazy_exports

_EXPORTS = {
    "DedupeExact": ".dedupe_exact",
    "RepointDuplicates": ".dedupe_exact",
    "CountDuplicates": ".dedupe_exact",
    "NearDedupe": ".near_dedupe",
    "ReadMinHashIndex": ".read_minhash_index",
    "CrossWindowDedupe": ".cross_window_dedupe",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
