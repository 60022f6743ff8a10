"""The one request that runs a report's cells (``analyses.report.batch``): what the runner sends and how it
reads the outputs back (the kernel's side is run in ``tests/test_runner.py``)."""

import ast

from analyses.report import batch


def mark(**fields) -> dict:
    return {"output_type": "display_data", "data": {batch.MARK: fields}, "metadata": {}}


def test_each_cell_gets_the_outputs_between_its_mark_and_the_next():
    text = {"output_type": "stream", "name": "stdout", "text": "a\n"}
    result = {"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {}, "execution_count": 3}
    marks, cells = batch.split(
        [
            mark(index=0, count=1, time=0.0),
            text,
            mark(index=1, count=2, time=0.1),
            mark(index=2, count=3, time=0.2),
            result,
            mark(index=None, ran=3, time=0.3),
        ]
    )
    assert cells == [[text], [], [result]]
    assert [m["index"] for m in marks] == [0, 1, 2, None] and marks[-1]["ran"] == 3


def test_the_request_is_one_call_carrying_every_source_as_it_is():
    sources = ["x = 1", "print('a\\nb')  # \"quoted\"", ""]
    call = ast.parse(batch.call(sources, 5), mode="eval").body
    assert isinstance(call, ast.Call) and call.func.attr == "run"
    assert [ast.literal_eval(arg) for arg in call.args] == [sources, 5]
    assert batch.__name__ in ast.unparse(call.func)


def test_outputs_are_made_from_messages_as_nbformat_makes_them():
    """The runner's client skips nbformat's schema check of each output, not any of its fields."""
    from types import SimpleNamespace

    import nbformat
    from nbformat.v4 import output_from_msg

    from analyses.report.build import _ReportClient

    client = _ReportClient(SimpleNamespace(nb=nbformat.v4.new_notebook()))  # papermill's notebook manager
    client.clear_before_next_output = False  # as executing a cell does first
    messages = [
        ("display_data", {"data": {"text/html": "<b>x</b>", "text/plain": "x"}, "metadata": {}, "transient": {}}),
        ("execute_result", {"data": {"text/plain": "1"}, "metadata": {"a": {"b": 1}}, "execution_count": 3}),
        ("stream", {"name": "stderr", "text": "careful\n"}),
        ("error", {"ename": "ValueError", "evalue": "bad", "traceback": ["ValueError: bad"]}),
    ]
    outs = []
    for kind, content in messages:
        msg = {"msg_type": kind, "header": {"msg_type": kind}, "parent_header": {"msg_id": "m"}, "content": content}
        made = client.output(outs, msg, None, 0)
        assert made == output_from_msg(msg) and made is outs[-1]
        assert isinstance(made, nbformat.NotebookNode) and all(
            isinstance(value, nbformat.NotebookNode) for value in made.values() if isinstance(value, dict)
        )
    assert len(outs) == 4
