"""Memory a process gives back to the system: large blocks on pages of their own (glibc)."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap

import pytest

glibc = pytest.mark.skipif(not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "mallinfo2"),
                           reason="glibc's allocator (mallopt, mallinfo2)")


@glibc
def test_large_blocks_get_pages_of_their_own_that_go_back_when_freed():
    """After map_large_blocks() a 40 KB block the heap has no free room for is mapped apart from
    it (glibc's own threshold starts at 128 KB and rises with every larger block freed), so
    freeing it returns its pages at once. Run in a fresh process: mallopt changes the whole process's allocator."""
    script = textwrap.dedent("""
        import ctypes
        from paperkb.core.free_memory import map_large_blocks

        class Info(ctypes.Structure):
            _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                         "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = Info
        libc.malloc.restype = ctypes.c_void_p
        libc.free.argtypes = [ctypes.c_void_p]

        def mapped_after_malloc():
            before = libc.mallinfo2().hblks
            blocks = [libc.malloc(40 * 1024) for _ in range(20)]
            mapped = libc.mallinfo2().hblks - before
            for block in blocks:
                libc.free(block)
            return mapped, libc.mallinfo2().hblks - before

        print(*mapped_after_malloc())
        map_large_blocks()
        print(*mapped_after_malloc())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    default, mapped = (tuple(map(int, line.split())) for line in done.stdout.split("\n")[:2])
    assert default == (0, 0)  # glibc's default: from the heap
    # Mapped (but those a free chunk of the heap already fits), and unmapped when freed
    assert mapped[0] >= 10 and mapped[1] == 0


@glibc
def test_one_heap_keeps_a_reading_threads_allocations_in_the_main_heap():
    """glibc gives a thread that allocates while another does a heap (arena) of its own, whose
    free pages stay beside the main heap's; after one_heap() the thread allocates from the main
    heap (glibc's malloc_stats lists one arena). Fresh processes: mallopt is process-wide."""
    script = textwrap.dedent("""
        import ctypes, sys, threading
        from paperkb.core.free_memory import one_heap

        if sys.argv[1] == "one":
            one_heap()
        libc = ctypes.CDLL(None)
        libc.malloc.restype = ctypes.c_void_p
        libc.free.argtypes = [ctypes.c_void_p]
        stop = threading.Event()

        def busy():  # the main thread allocates meanwhile, so the heaps are contended
            while not stop.is_set():
                libc.free(libc.malloc(2000))

        main = threading.Thread(target=busy)
        main.start()
        def read():
            for _ in range(20000):
                libc.free(libc.malloc(3000))
        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
        stop.set()
        main.join()
        libc.malloc_stats()
    """)
    arenas = {}
    for mode in ("default", "one"):
        done = subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        arenas[mode] = done.stderr.count("Arena ")
    assert arenas["default"] >= 2 and arenas["one"] == 1

