"""studybot: sourced answers, quizzes and practice for study groups, from a YAML knowledge pack."""

import os

# One BLAS thread. The matcher's one matrix-vector product per question is far too small to
# share out, and waking a pool of BLAS threads for it, on a small host already busy with the
# event loop and the ONNX session, cost more than the product itself (measured: p50 per question
# 26 ms with the default threads, 12 ms with one, on a loaded two-core machine). Set before numpy
# is first imported; an operator's own setting wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

__version__ = "0.1.0"
