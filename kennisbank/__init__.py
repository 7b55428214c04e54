"""Kennisbank Toekomstscenario kind- en gezinsbescherming: Dutch document search and comparison."""
import os

# numpy's BLAS in one thread: a search multiplies small matrices, and on a busy machine BLAS threads wait for
# cores (a 40 x 2,500 product took 46 ms with its threads, 0.5 ms in one); the web server's processes are the
# concurrency. Set before numpy loads, which is why it stands here.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
