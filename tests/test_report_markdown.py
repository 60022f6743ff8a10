"""MyST to plain markdown for the single-page report."""

from analyses.report.markdown import ChapterText


def test_citations_are_numbered_and_listed():
    text = ChapterText()
    first = text.rewrite("A trial {footcite:p}`f3-1,f3-2` and again {footcite:p}`f3-1`.")
    assert first == "A trial [1, 2] and again [1]."
    sources = text.rewrite("## Sources\n\n```{footbibliography}\n```\n")
    assert (
        sources.startswith("## Sources\n\n1. S. Taylor, E. Blackshaw")
        and "(2024). Impact of Family Group Conference Referrals at Pre-Proceedings Stage on Child Outcomes" in sources
    )
    assert "\n2. Foundations (2023). Family Group Conferencing at pre-proceedings stage." in sources


def test_links_to_other_chapters_become_their_names():
    text = ChapterText()
    got = text.rewrite(
        "See [Data and methods](data_methods.md#rates), {doc}`the tiers <prevention_tiers>` "
        "and {doc}`kinship`; [EES](https://explore-education-statistics.service.gov.uk/) and "
        "[below](#method) stay links."
    )
    assert got == (
        "See *Data and methods*, *the tiers* and *kinship*; "
        "[EES](https://explore-education-statistics.service.gov.uk/) and [below](#method) stay links."
    )


def test_admonitions_become_block_quotes():
    got = ChapterText().rewrite(":::{note}\nSmall numbers are hidden.\n:::\n")
    assert got.strip() == "> **Note.**\n> Small numbers are hidden."


def test_plotly_bundle_is_the_basic_one_unless_a_chart_needs_more():
    from analyses.views import web_assets

    basic = 'Plotly.newPlot("a", [{"type": "bar"}, {"x": [1]}], {})'
    assert web_assets.trace_types(basic) == {"bar", "scatter"}
    assert web_assets.plotly_bundle(basic) == web_assets.BASIC_JS
    assert web_assets.plotly_bundle('Plotly.newPlot("b", [{"type": "heatmap"}], {})') == web_assets.FULL_JS
