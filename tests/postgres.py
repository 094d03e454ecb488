"""The tests' PostgreSQL: a throwaway cluster started and stopped by the one cluster script,
build/linux/postgres.sh, which `make serve` uses too."""

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "build" / "linux" / "postgres.sh"


def start_cluster(folder: Path) -> str:
    """Start the cluster in `folder` (made there if new); its database's DATABASE_URL."""
    return subprocess.run([SCRIPT, "start", folder], check=True, capture_output=True, text=True).stdout.strip()


def stop_cluster(folder: Path) -> None:
    subprocess.run([SCRIPT, "stop", folder], check=True)
