"""--mixed_precision: trains and resumes both ways (checkpoints stay float32), and says which
precision it trains in, or that it cannot tell or has neither bfloat16 nor a GPU."""
import re

from conftest import clean_env, run_script

PRECISION = (r'^(Training in bfloat16 mixed precision \(oneDNN, CPU\)|Training in float16 mixed '
             r'precision \(GPU\)|Mixed precision is not available here)')


def clean_run(name, *args):
    return run_script(name, *args, env=clean_env())


def test_mixed_precision_trains_and_resumes_both_ways(data_dir, tmp_path):
    common = ['--data_dir', data_dir, '--model_dir', tmp_path, '--save_every', 2]
    result = clean_run('mnist_backward.py', '--steps', 2, '--mixed_precision', *common)
    assert result.returncode == 0 and result.stderr == '', result.stderr
    said = [line for line in result.stdout.splitlines() if not line.startswith('Extracting')]
    assert re.match(PRECISION, said[0])
    result = clean_run('mnist_backward.py', '--steps', 4, *common)  # float32 resumes it
    assert result.returncode == 0, result.stderr
    assert 'Resuming from' in result.stdout and 'Reached 4 steps' in result.stdout
    assert not re.search(PRECISION, result.stdout, re.M)  # the notes' float32: no line
    result = clean_run('mnist_backward.py', '--steps', 6, '--mixed_precision', *common)
    assert result.returncode == 0, result.stderr
    assert 'Resuming from' in result.stdout and 'Reached 6 steps' in result.stdout


def test_mixed_precision_without_bfloat16_or_gpu_says_so(monkeypatch):
    """The third branch, which this machine (it has bfloat16) cannot reach for real."""
    import tensorflow.compat.v1 as tf
    from mnist_lib import precision
    monkeypatch.setattr(precision, 'cpu_has_bf16', lambda: False)
    monkeypatch.setattr(tf.config, 'list_physical_devices', lambda kind: [])
    config = tf.ConfigProto()
    said = precision.configure(config, True)
    assert said == ('Mixed precision is not available here (no GPU, no bfloat16 on this CPU); '
                    'training in float32.')
    assert config.graph_options.rewrite_options.auto_mixed_precision_onednn_bfloat16 == 0
    assert precision.configure(tf.ConfigProto(), False) is None
