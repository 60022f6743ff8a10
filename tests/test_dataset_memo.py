"""What a dataset keeps from area to area (``Dataset.kept``) is made once and shared safely."""

import pandas as pd

from analyses.data.dataset import Dataset
from analyses.models import benchmark


def test_kept_builds_once_per_dataset_and_key(ds):
    fresh = Dataset(indicators=ds.indicators, las=ds.las, metadata=ds.metadata)
    calls = []
    for _ in range(3):
        assert fresh.kept(("answer",), lambda: calls.append(1) or 42) == 42
    assert fresh.kept(("other",), lambda: 7) == 7
    assert calls == [1]


def test_a_series_or_comparison_changed_by_its_caller_is_unchanged_for_the_next(ds):
    york = ds.area("York")
    for made in (lambda: ds.series("cla_31mar_rate", york), lambda: benchmark.comparison(ds, "cla_31mar_rate", york)):
        first = made()
        expected = first.copy()
        first.loc[first.index[0], "value"] = -1.0
        first["status"] = "c"
        pd.testing.assert_frame_equal(made(), expected)


def test_in_year_gives_the_rows_of_the_series_in_that_year(ds):
    for name in ("York", "Cumberland", "City of London", "England"):
        area = ds.area(name)
        for indicator in ("cla_31mar_rate", "population_0_17", "referrals_count"):
            series = ds.series(indicator, area)
            for year in [*series["time_period"].unique(), 1900]:
                rows = series[series["time_period"] == year]
                expected = list(zip(rows["value"], rows["status"]))
                assert repr(ds.in_year(indicator, area, year)) == repr(expected)  # repr: a NaN equals a NaN


def test_profile_ranks_count_every_la_with_a_value(ds):
    for name in ("York", "Isles of Scilly", "Kent"):
        for row in benchmark.profile(ds, ds.area(name)).itertuples():
            values = ds.la_values(row.indicator, row.year)["value"].dropna().tolist()
            assert row.of == len(values)
            if pd.isna(row.value):
                assert pd.isna(row.rank) and row.band == ""
                continue
            lower, higher = sum(v < row.value for v in values), sum(v > row.value for v in values)
            assert row.rank_lowest == lower + 1
            assert row.rank == (higher if row.polarity == "higher_is_better" else lower) + 1


def _ask_for_a_slow_result(folder: str) -> int:
    """In a process of its own: ask the disk cache for a result that takes half a second; 1 if this
    process computed it."""
    import os
    import time

    os.environ["EFP_CACHE_DIR"] = folder
    from analyses.data import cache

    computed = []
    value = cache.cached_pickle("slow", "v1", lambda: computed.append(1) or time.sleep(0.5) or {"answer": 42})
    assert value == {"answer": 42}
    return len(computed)


def test_processes_asking_for_one_result_at_once_compute_it_once(tmp_path):
    """A run's workers all ask for the shared national figures as they start: one computes them, the
    others read what it stored (``analyses.data.cache``)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(3) as pool:
        computed = pool.map(_ask_for_a_slow_result, [str(tmp_path)] * 3)
    assert sorted(computed) == [0, 0, 1]
    assert _ask_for_a_slow_result(str(tmp_path)) == 0


def test_a_derived_result_is_read_back_only_with_the_string_storage_it_was_made_with(ds, tmp_path, monkeypatch):
    """A chapter's kernel sets pandas' string storage (``views.session``) after a dataset may have been
    loaded: a table derived there, and kept on disk, must not reach a process with the other storage."""
    monkeypatch.setenv("EFP_CACHE_DIR", str(tmp_path))

    def fresh() -> Dataset:  # the same data and version, nothing kept in memory: as another process
        return Dataset(indicators=ds.indicators, las=ds.las, metadata=ds.metadata, version=ds.version)

    def names(_: Dataset) -> pd.DataFrame:
        return pd.DataFrame({"name": ["York", "Kent"]})

    with pd.option_context("mode.string_storage", "python"):
        assert fresh().derived("storage_probe", names)["name"].dtype.storage == "python"
    for storage in ("pyarrow", "python"):
        with pd.option_context("mode.string_storage", storage):
            assert fresh().derived("storage_probe", names)["name"].dtype == names(ds)["name"].dtype
