"""Sync figures (docs/sync.md): with two desktop devices and the server on the suite's
PostgreSQL, how long a first push of N notes takes, the first pull of them on the other device,
and a round with nothing to do. Prints the figures and the load average beside them.

    python -m bench.sync [N ...]        (default: 200 1000)
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from tests.reliability.conftest import NotedeskProcess  # noqa: E402
from tests.postgres import start_cluster, stop_cluster  # noqa: E402
from tests.sync.conftest import Device, PostgresCluster, SyncServer, server_python  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    state = action()
    assert state["error"] is None, state["error"]
    return time.perf_counter() - start


def measure(cluster: PostgresCluster, folder: Path, count: int) -> dict:
    server = SyncServer(cluster, folder / f"server-{count}").start()
    devices = [Device(NotedeskProcess(folder / f"{name}-{count}").start(), name) for name in ("A", "B")]
    try:
        a, b = devices
        for number in range(count):
            a.create(f"Note {number}", f"Body of note {number}. " * 20, tags=[f"tag{number % 7}"])
        a.connect(server.url, server.new_device("A"))
        b.connect(server.url, server.new_device("B"))
        return {
            "push": timed(a.sync),
            "pull": timed(b.sync),
            "idle round": timed(a.sync),
            "same on both": a.notes() == b.notes(),
        }
    finally:
        for device in devices:
            device.process.kill()
        server.stop()


def main() -> None:
    counts = [int(arg) for arg in sys.argv[1:]] or [200, 1000]
    folder = Path(tempfile.mkdtemp(prefix="notedesk-sync-bench-"))
    # Directly under /tmp: as root, the cluster runs as `nobody`, who must reach its folder.
    cluster_folder = Path(tempfile.mkdtemp(prefix="notedesk-sync-bench-pg-", dir="/tmp"))
    cluster = PostgresCluster(cluster_folder, start_cluster(cluster_folder).rsplit("/", 1)[0])
    try:
        cluster.create_database("sync_template")
        server_python(cluster.environment("sync_template", folder / "template-data"), "-m", "django", "migrate", "--no-input")
        print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
        print(f"{'notes':>6} {'push s':>8} {'pull s':>8} {'idle s':>8} {'notes/s up':>11} {'notes/s down':>13}  same")
        for count in counts:
            figures = measure(cluster, folder, count)
            print(f"{count:>6} {figures['push']:>8.2f} {figures['pull']:>8.2f} {figures['idle round']:>8.3f} "
                  f"{count / figures['push']:>11.0f} {count / figures['pull']:>13.0f}  {figures['same on both']}")
        print(f"load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    finally:
        stop_cluster(cluster_folder)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(cluster_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
