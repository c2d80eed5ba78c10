"""--mixed_precision: TensorFlow's automatic mixed-precision graph rewrite, where it helps.

On a GPU, float16 (auto_mixed_precision); on a CPU with bfloat16 instructions (AVX512_BF16
or AMX), oneDNN's bfloat16 rewrite. Either way only the arithmetic changes: the variables,
the moving averages, the L2 term and the checkpoints stay float32, so checkpoints trained
with and without it are interchangeable.
"""
import tensorflow.compat.v1 as tf
from tensorflow.core.protobuf import rewriter_config_pb2


BF16_FLAGS = ('avx512_bf16', 'amx_bf16')  # /proc/cpuinfo names of the bfloat16 instructions
CPUINFO = '/proc/cpuinfo'  # Linux only: macOS and Windows have no such file


def cpu_has_bf16():
    """True or False, or None where it cannot look (no /proc/cpuinfo: macOS, Windows)."""
    try:
        with open(CPUINFO) as f:
            words = set(f.read().split())
    except OSError:
        return None
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
    bf16 = cpu_has_bf16()
    if bf16:
        rewrites.auto_mixed_precision_onednn_bfloat16 = rewriter_config_pb2.RewriterConfig.ON
        return ('Training in bfloat16 mixed precision (oneDNN, CPU); variables and checkpoints '
                'stay float32.')
    if bf16 is None:
        return ('Mixed precision is not available here (no GPU; could not tell whether this CPU '
                'has bfloat16 instructions); training in float32.')
    return ('Mixed precision is not available here (no GPU, no bfloat16 on this CPU); training '
            'in float32.')


def session_config(mixed=False):
    """Every session's options: TensorFlow's defaults, measured fastest here (benchmarks/),
    except that GPU memory is taken as needed (allow_growth): by default the first session
    takes nearly all of it, and a watcher (mnist_test.py) beside the trainer, or the app,
    would find none. With `mixed` (the trainers' --mixed_precision), the rewrite too, saying
    which."""
    config = tf.ConfigProto()
    config.gpu_options.allow_growth = True
    said = configure(config, mixed)
    if said:
        print(said)
    return config
