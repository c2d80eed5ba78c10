"""--mixed_precision: TensorFlow's automatic mixed-precision graph rewrite, where it helps.

On a GPU, float16 (auto_mixed_precision); on a CPU with bfloat16 instructions (AVX512_BF16
or AMX), oneDNN's bfloat16 rewrite. Either way only the arithmetic changes: the variables,
the moving averages, the L2 term and the checkpoints stay float32, so checkpoints trained
with and without it are interchangeable.
"""
import tensorflow.compat.v1 as tf
from tensorflow.core.protobuf import rewriter_config_pb2


BF16_FLAGS = ('avx512_bf16', 'amx_bf16')  # /proc/cpuinfo names of the bfloat16 instructions


def cpu_has_bf16():
    try:
        with open('/proc/cpuinfo') as f:
            words = set(f.read().split())
    except OSError:
        return False
    return any(flag in words for flag in BF16_FLAGS)


def configure(config, mixed):
    """Turns the rewrite on in `config` (a ConfigProto) when `mixed`; returns the line that
    says which precision training runs in (None when not `mixed`: the notes' float32)."""
    if not mixed:
        return None
    rewrites = config.graph_options.rewrite_options
    if tf.config.list_physical_devices('GPU'):
        rewrites.auto_mixed_precision = rewriter_config_pb2.RewriterConfig.ON
        return 'Training in float16 mixed precision (GPU); variables and checkpoints stay float32.'
    if cpu_has_bf16():
        rewrites.auto_mixed_precision_onednn_bfloat16 = rewriter_config_pb2.RewriterConfig.ON
        return ('Training in bfloat16 mixed precision (oneDNN, CPU); variables and checkpoints '
                'stay float32.')
    return ('Mixed precision is not available here (no GPU, no bfloat16 on this CPU); training '
            'in float32.')


def session_config(mixed=False):
    """Every session's options: TensorFlow's defaults, measured fastest here (benchmarks/).
    With `mixed` (the trainers' --mixed_precision), the rewrite too, saying which."""
    config = tf.ConfigProto()
    said = configure(config, mixed)
    if said:
        print(said)
    return config
