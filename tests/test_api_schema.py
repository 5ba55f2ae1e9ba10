"""Schemathesis against the app's own OpenAPI description: no input makes it answer 500.

The app runs in-process (ASGI) over a small database built from part of the demo corpus.
Every operation in ``/openapi.json`` (JSON API and HTML pages) gets a bounded number of
generated requests: path ids, limits, offsets and queries of every shape.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from newsdesk.demo import CORPUS_DIR, crawled_at

EXAMPLES = 25  # per operation


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from newsdesk.pipeline import ingest

    db = tmp_path_factory.mktemp("api") / "api.db"
    files = sorted((CORPUS_DIR / "scrapes").glob("*.txt"))[:6]
    files.append(CORPUS_DIR / "feeds" / "newsnest-latest.rss")
    summary = ingest([str(f) for f in files], db, crawled_at=crawled_at(), progress=False)
    assert summary.articles_added > 0
    return db


@pytest.fixture(scope="module")
def api_schema(small_db: Path) -> Iterator[schemathesis.BaseSchema]:
    from newsdesk.web import create_app

    app = create_app(small_db)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)


def _run_operation(operation: schemathesis.APIOperation, mode: object, calls: list[str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))  # type: ignore[arg-type]
    def run(case: schemathesis.Case) -> None:
        response = case.call()
        calls.append(operation.label)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} query={case.query}: "
            f"{response.status_code} {response.text[:300]}"
        )
        if case.path.startswith("/api"):
            ctype = response.headers.get("content-type") or [""]  # header -> list of values
            assert ctype[0].startswith("application/json"), (case.formatted_path, ctype)

    run()


@pytest.mark.slow
def test_no_server_errors(api_schema: schemathesis.BaseSchema) -> None:
    # Looped here rather than with schemathesis' pytest plugin, whose lazy loader does not
    # work with pytest 9 (``Function._nodeid``).
    from schemathesis import GenerationMode

    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    calls: list[str] = []
    for operation in operations:
        _run_operation(operation, GenerationMode.POSITIVE, calls)
        # Unsatisfiable: no parameter that can be made invalid (e.g. the home page).
        with contextlib.suppress(Unsatisfiable):
            _run_operation(operation, GenerationMode.NEGATIVE, calls)
    print(f"\n{len(operations)} operations, {len(calls)} requests, no 5xx")
    assert len(set(calls)) == len(operations)
