"""build/linux/system-packages.sh, which every `make` target runs first on a new machine."""

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "build" / "linux" / "system-packages.sh"
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the script touches the policy as root only, as it installs")


@pytest.fixture
def policy(tmp_path):
    """Where the script's policy-rc.d is, in these tests (a container's own is often at its place)."""
    return tmp_path / "policy-rc.d"


def run_for_packages_installed(policy: Path):
    """A run for a group `make test` has installed: nothing to install."""
    subprocess.run(["bash", str(SCRIPT), "test"], check=True, capture_output=True, timeout=60,
                   env={**os.environ, "NOTEDESK_POLICY_RC_D": str(policy)})


def test_the_policy_a_killed_install_left_is_removed_by_the_next_run(policy):
    # Killed while it installed (SIGKILL skips its trap), the script left its policy behind, and
    # from then on no service of the machine started when its package was installed or upgraded.
    mark = re.search(r'^policy_mark="(.*)"$', SCRIPT.read_text(), re.M)[1]
    policy.write_text(f"#!/bin/sh\n{mark}\nexit 101\n")
    run_for_packages_installed(policy)
    assert not policy.exists()


def test_a_policy_of_the_machine_s_own_is_left_alone(policy):
    policy.write_text("#!/bin/sh\nexit 101\n")
    run_for_packages_installed(policy)
    assert policy.read_text() == "#!/bin/sh\nexit 101\n"
