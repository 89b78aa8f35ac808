"""The MinHash index beside the output: only signatures of this version's scheme count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.schemas import MINHASH_INDEX
from newsbeam.schemas.layout import state_dir
from newsbeam.transforms.dedupe.minhash import MinHashParams
from newsbeam.transforms.dedupe.read_minhash_index import ReadMinHashIndex
from newsbeam.transforms.write.parquet_files import write_rows

NOW = datetime(2026, 11, 20, tzinfo=UTC)
SIGNATURE = list(range(MinHashParams().num_perm))


def test_entries_of_another_scheme_or_damaged_are_left_out_and_counted(tmp_path, pipeline):
    scheme = MinHashParams().scheme
    state = state_dir(str(tmp_path))
    write_rows(
        state,
        MINHASH_INDEX,
        "",
        [
            {"id": "current", "signature": SIGNATURE, "indexed_at": NOW, "scheme": scheme},
            {"id": "damaged", "signature": [1, 2], "indexed_at": NOW, "scheme": scheme},
            {"id": "other", "signature": [3, 4], "indexed_at": NOW, "scheme": "older-hashing"},
            {
                "id": "expired",
                "signature": [5, 6],
                "indexed_at": NOW - timedelta(days=30),
                "scheme": scheme,
            },
        ],
    )
    # A file written before entries named their scheme.
    legacy = tmp_path / "_state" / "minhash" / "part-legacy.parquet"
    pq.write_table(pa.table({"id": ["legacy"], "signature": [[7, 8]], "indexed_at": [NOW]}), legacy)
    entries = (
        pipeline
        | ReadMinHashIndex(str(tmp_path), NOW - timedelta(days=7))
        | beam.MapTuple(lambda article_id, signature: (article_id, signature.tolist()))
    )
    assert_that(entries, equal_to([("current", SIGNATURE)]))
    result = pipeline.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name("minhash_index_other_scheme"))
    assert sum(counter.committed for counter in counters["counters"]) == 2
    damaged = result.metrics().query(MetricsFilter().with_name("minhash_index_malformed"))
    assert sum(counter.committed for counter in damaged["counters"]) == 1
