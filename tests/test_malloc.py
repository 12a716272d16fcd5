"""glibc's free heap pages are handed back where there is a glibc, and nothing happens elsewhere."""
import platform
import sys

from logad_utils.malloc import release_free_memory


def test_memory_is_released_exactly_where_glibc_runs_the_process():
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert release_free_memory() is glibc
