"""Class mode across replicas: nginx, two replicas and Redis; the teacher on one replica, a
student on the other, and the student follows (the store is the only channel between them).

Skipped only when nginx or redis-server is missing (tools/test.sh installs both).
"""

from __future__ import annotations

import urllib.request

import pytest

from deploy.redis_local import redis_binary, running_redis
from deploy.run_replicas import nginx_binary, running_cluster

from .conftest import no_exception_box, start_class, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cluster():
    if nginx_binary() is None or redis_binary() is None:
        pytest.skip("nginx and redis-server are needed (tools/test.sh installs them)")
    with running_redis() as redis_url, running_cluster(
            2, timeout=120, env={"CNNVIZ_REDIS_URL": redis_url}) as c:
        yield c


def _replica_of(url: str, key: str) -> str:
    req = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"cnnviz_lb={key}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.headers["X-Cnnviz-Replica"]


def _keys_per_replica(url: str) -> list[str]:
    """Sticky keys that nginx sends to two different replicas."""
    found: dict[str, str] = {}
    for i in range(200):
        key = f"class{i}"
        found.setdefault(_replica_of(url, key), key)
        if len(found) == 2:
            return list(found.values())
    raise AssertionError("nginx sent 200 keys to one replica")


def test_a_student_on_the_other_replica_follows(cluster, browser):
    # The session's Chromium: a second sync Playwright in one process fails once another
    # browser test has started the first.
    host = cluster.url.split("//")[1].split(":")[0]
    teacher_key, student_key = _keys_per_replica(cluster.url)
    assert _replica_of(cluster.url, teacher_key) != _replica_of(cluster.url, student_key)
    contexts = []
    try:
        pages = []
        for key in (teacher_key, student_key):
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            contexts.append(ctx)
            ctx.add_cookies([{"name": "cnnviz_lb", "value": key, "domain": host,
                              "path": "/"}])
            pg = ctx.new_page()
            pg.set_default_timeout(45_000)
            pages.append(pg)
        teacher, student = pages
        teacher.goto(cluster.url + "/pooling")
        wait_for_app(teacher, "Pooling")
        code = start_class(teacher)
        student.goto(f"{cluster.url}/?room={code}")
        student.locator("h1", has_text="Pooling").first.wait_for(state="visible")
        teacher.get_by_role("link", name="Practice: predict, then reveal").click()
        student.locator("h1", has_text="Practice").first.wait_for(state="visible",
                                                                  timeout=20_000)
        assert no_exception_box(teacher) == [] and no_exception_box(student) == []
    finally:
        for ctx in contexts:
            ctx.close()
