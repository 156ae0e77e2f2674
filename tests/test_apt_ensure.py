"""scripts/apt-ensure waits for another package install to release dpkg's lock, then says what to do.

The lock is a stand-in file (APT_ENSURE_LOCKS) held by `flock`, and the package
names are ones Debian does not have, so apt-get never runs: the script gives up
on the lock first.
"""

import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "apt-ensure"

pytestmark = pytest.mark.skipif(
    not (shutil.which("flock") and (shutil.which("fuser") or shutil.which("lslocks"))),
    reason="needs flock, and fuser or lslocks, to hold and see a lock",
)


def apt_ensure(*packages: str, **variables: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", **variables}
    return subprocess.run([str(SCRIPT), *packages], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def held_lock(tmp_path):
    lock = tmp_path / "lock-frontend"
    holder = subprocess.Popen(["flock", str(lock), "sleep", "30"])
    for _ in range(50):  # until flock has the file open
        if lock.exists():
            break
        time.sleep(0.05)
    time.sleep(0.2)
    yield lock
    holder.kill()
    holder.wait()


@pytest.mark.slow
def test_it_gives_up_on_a_held_lock_with_a_message_that_says_what_to_do(held_lock):
    started = time.monotonic()
    result = apt_ensure("mlready-no-such-package", APT_ENSURE_LOCKS=str(held_lock), APT_LOCK_WAIT="5")
    waited = time.monotonic() - started
    assert result.returncode == 1
    assert f"Another package install holds {held_lock}; waiting up to 5s" in result.stdout
    assert f"Gave up after 5s: another package install still holds {held_lock}." in result.stderr
    assert "APT_LOCK_WAIT=<seconds>" in result.stderr and "mlready-no-such-package" in result.stderr
    assert waited >= 5


def test_it_does_not_wait_when_everything_is_installed(held_lock):
    result = apt_ensure("coreutils", APT_ENSURE_LOCKS=str(held_lock), APT_LOCK_WAIT="5")
    assert result.returncode == 0
    assert result.stdout == result.stderr == ""


def test_it_refuses_a_wait_that_is_not_a_number():
    result = apt_ensure("mlready-no-such-package", APT_LOCK_WAIT="ten")
    assert result.returncode == 1
    assert "APT_LOCK_WAIT=ten is not a number of seconds." in result.stderr
