"""How many threads BLAS may use: one call for a server to make at start-up.

cnnviz calls BLAS (scipy's OpenBLAS) for the multiply-adds of a single filter
and the matrix product of a bank. OpenBLAS starts one thread per core and,
after each call, lets them spin for a while waiting for the next. On a small
server that runs several sessions at once (or shares its cores with anything
else), the second thread buys little wall time for twice the CPU, and spinning
threads steal the core another session needs: measured on 2 cores under load,
a bank of 16 filters on 512²×3 took 72 ms with 2 BLAS threads and 8.7 ms with
one (bench/RESULTS.md has the numbers).

:func:`limit_blas_threads` caps every BLAS library loaded in the process
(numpy's and scipy's OpenBLAS) through threadpoolctl. Nothing in cnnviz calls
it by itself: importing cnnviz never changes the process's threads.
"""

from __future__ import annotations

__all__ = ["blas_threads", "limit_blas_threads"]


def limit_blas_threads(n: int = 1) -> dict[str, int]:
    """Cap the thread pools of every loaded BLAS library at ``n`` threads, for good.

    Loads scipy's BLAS first (the one cnnviz uses), so the cap reaches it even
    before the first convolution. Process-wide and lasting: call it once, at
    server start-up; later calls change the cap.

    Parameters
    ----------
    n : int
        Threads per BLAS library, at least 1.

    Returns
    -------
    dict
        Each BLAS library's file name and its thread count after the call.

    Raises
    ------
    ValueError
        If ``n`` is not an integer of at least 1.
    ImportError
        If threadpoolctl is not installed (it is in requirements.txt).

    Examples
    --------
    >>> before = blas_threads()
    >>> set(limit_blas_threads(1).values())
    {1}
    >>> _ = [limit_blas_threads(n) for n in set(before.values())]  # put them back
    """
    from cnnviz.core._checks import as_int

    n = as_int(n, "n", minimum=1)
    import scipy.linalg  # noqa: F401  (loads scipy's OpenBLAS, so threadpoolctl sees it)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n, user_api="blas")  # not as a context: the cap stays
    return blas_threads()


def blas_threads() -> dict[str, int]:
    """The thread count of every loaded BLAS library, by file name (threadpoolctl)."""
    from threadpoolctl import threadpool_info

    return {info["filepath"].rsplit("/", 1)[-1]: info["num_threads"]
            for info in threadpool_info() if info["user_api"] == "blas"}
