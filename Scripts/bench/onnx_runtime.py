"""ONNX Runtime beside PyTorch in the encoder benchmarks (irv2_torch.py, vggish_torch.py, text_torch.py).

A torch module is exported with torch.onnx (the TorchScript-based exporter, dynamo=False, which
needs no onnxscript; opset 17, batch axis dynamic) to a temporary file and loaded into an
onnxruntime CPU InferenceSession with the same intra-op thread count as torch, one inter-op
thread, sequential execution and all graph optimisations: ONNX Runtime's own kernels (MLAS) on
the same graph. Needs: onnxruntime (PyPI), onnx.
"""
import os
import tempfile
import warnings


def available():
    try:
        import onnxruntime  # noqa: F401
        return True
    except ImportError:
        return False


def session(model, example, threads, input_names=("x",), dynamic_axes=None):
    """An InferenceSession running `model` (a torch.nn.Module in eval mode) on inputs shaped like
    `example` (a tensor, or a tuple of tensors named `input_names`); by default the batch axis of
    the single input "x" and output "y" is dynamic. Call it as `run(session, array)` (one input)
    or `session.run(None, {name: array, ...})`."""
    import onnxruntime as ort
    import torch

    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "model.onnx")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, example, path, dynamo=False, opset_version=17, input_names=list(input_names),
                              output_names=["y"],
                              dynamic_axes=dynamic_axes or {"x": {0: "batch"}, "y": {0: "batch"}})
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def run(session, array):
    """`array` (numpy float32, the exported input's layout) through `session`; the first output."""
    return session.run(None, {"x": array})[0]


def version():
    import onnxruntime
    return onnxruntime.__version__
