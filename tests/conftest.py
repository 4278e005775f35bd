import os

# Before any test imports TensorFlow: keep its C++ log lines out of the test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
