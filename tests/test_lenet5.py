"""Lesson 7: LeNet-5 shapes, and its scripts run for real on MNIST from the mirror."""
import os
import re

import pytest
import tensorflow.compat.v1 as tf

import mnist_backward
import mnist_lenet5_backward
import mnist_lenet5_forward
from conftest import ROOT, run_script
from test_mlp_scripts import LOSS, TEST, VALIDATION, matches, no_traceback

tf.disable_v2_behavior()


def shapes_of(graph, op_type):
    return [op.outputs[0].shape.as_list() for op in graph.get_operations() if op.type == op_type]


def test_shapes_through_the_network():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        y = mnist_lenet5_forward.forward(x, False, None)
        assert shapes_of(g, 'Conv2D') == [[None, 28, 28, 32], [None, 14, 14, 64]]
        assert shapes_of(g, 'MaxPool') == [[None, 14, 14, 32], [None, 7, 7, 64]]
        assert [v.shape.as_list() for v in tf.trainable_variables()] == [
            [5, 5, 1, 32], [32], [5, 5, 32, 64], [64], [3136, 512], [512], [512, 10], [10]]
        assert y.shape.as_list() == [None, 10]
        assert not any('dropout' in op.name for op in g.get_operations())
    with tf.Graph().as_default() as g:
        mnist_lenet5_forward.forward(tf.placeholder(tf.float32, [7, 28, 28, 1]), True, 0.1, 64)
        assert any('dropout' in op.name for op in g.get_operations())
        assert len(tf.get_collection('losses')) == 4  # the four weights, not the biases
        assert [v.shape.as_list() for v in tf.trainable_variables()][4] == [3136, 64]


def test_own_checkpoint_folder():
    assert mnist_lenet5_backward.MODEL_SAVE_PATH != mnist_backward.MODEL_SAVE_PATH
    assert os.path.dirname(mnist_lenet5_backward.MODEL_SAVE_PATH) == mnist_backward.MODEL_SAVE_PATH


def test_train_resume_then_test(tmp_path, data_dir):
    model_dir = tmp_path / 'lenet5'
    common = ['--data_dir', data_dir, '--model_dir', model_dir]
    first = run_script('mnist_lenet5_backward.py', *common, '--steps', 200, '--seed', 2)
    assert first.returncode == 0, first.stderr
    assert [int(s) for s, _ in matches(LOSS, first.stdout)] == [100, 200]  # every 100, the notes'
    ((step, accuracy),) = matches(VALIDATION, first.stdout)  # saved at the last step only
    assert step == '200' and float(accuracy) > 0.6

    second = run_script('mnist_lenet5_backward.py', *common, '--steps', 300)
    assert second.returncode == 0, second.stderr
    assert re.search(r'^Resuming from .*mnist_model-200$', second.stdout, re.M)
    assert [int(s) for s, _ in matches(LOSS, second.stdout)] == [300]

    tested = run_script('mnist_lenet5_test.py', '--once', *common)
    assert tested.returncode == 0, tested.stderr
    ((step, accuracy),) = matches(TEST, tested.stdout)
    assert step == '300' and float(accuracy) > 0.7

    pictures = [os.path.join(ROOT, 'pic', '%d.png' % d) for d in range(10)]
    app = run_script('mnist_app.py', '--model', 'lenet5', '--model_dir', model_dir, *pictures)
    assert app.returncode == 0, app.stderr
    answers = re.findall(r'^.*/(\d)\.png: (\d) \([0-9.]+%\)( not sure: .*)?$', app.stdout,
                         re.M)
    answers = [(picture, digit) for picture, digit, _ in answers]
    assert answers == [(str(d), str(d)) for d in range(10)]


def test_deep_mnist_configuration_by_flags(tmp_path, data_dir):
    common = ['--data_dir', data_dir, '--model_dir', tmp_path / 'deep', '--fc_size', 1024]
    trained = run_script('mnist_lenet5_backward.py', *common, '--optimizer', 'adam',
                         '--learning_rate', 1e-4, '--learning_rate_decay', 1, '--regularizer', 0,
                         '--batch_size', 50, '--steps', 100)
    assert trained.returncode == 0, trained.stderr
    assert [int(s) for s, _ in matches(LOSS, trained.stdout)] == [100]
    tested = run_script('mnist_lenet5_test.py', '--once', *common)
    assert tested.returncode == 0, tested.stderr
    ((step, accuracy),) = matches(TEST, tested.stdout)
    assert step == '100' and float(accuracy) > 0.5

    # Watching it without --fc_size builds the 512-unit graph: a clear error, not a hang.
    wrong = run_script('mnist_lenet5_test.py', '--once', '--data_dir', data_dir, '--model_dir',
                       tmp_path / 'deep')
    assert wrong.returncode == 1
    assert re.search(r'mnist_lenet5_test\.py: error: cannot restore .*mnist_model-100 .*'
                     r'is it a checkpoint of this model\?', wrong.stderr)
    no_traceback(wrong)


def test_resuming_from_another_models_checkpoint_is_an_error(tmp_path, data_dir):
    mlp_dir = tmp_path / 'mlp'
    assert run_script('mnist_backward.py', '--data_dir', data_dir, '--model_dir', mlp_dir,
                      '--steps', 10).returncode == 0
    result = run_script('mnist_lenet5_backward.py', '--data_dir', data_dir, '--model_dir',
                        mlp_dir, '--steps', 20)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert re.match(r'mnist_lenet5_backward\.py: error: cannot resume from .*mnist_model-10 ',
                    last), last
    no_traceback(result)
    assert 'mnist_model-20.index' not in os.listdir(mlp_dir)  # nothing of the MLP's was touched


def test_flags_that_would_wreck_a_run_are_refused(tmp_path, data_dir):
    """nan passed the float flags' bounds (a nan learning rate trained on and saved nan
    weights over a good model); a batch larger than the training split, a negative seed or
    an interval past time_t ended in a traceback; a value past float32's (1e308) was inf in
    the graph, numpy's overflow warning printed above the error line."""
    for script, flag, value, said in (
            ('mnist_lenet5_backward.py', 'learning_rate', 'nan', 'must be a number, not nan'),
            ('mnist_test.py', 'interval_secs', 'nan', 'must be a number, not nan'),
            ('mnist_lenet5_backward.py', 'regularizer', 'inf', 'within +-3.403e+38'),
            ('mnist_lenet5_backward.py', 'learning_rate', 1e308, 'within +-3.403e+38'),
            ('mnist_lenet5_backward.py', 'regularizer', 1e300, 'within +-3.403e+38'),
            ('mnist_backward.py', 'batch_size', 60000, 'range'),
            ('mnist_backward.py', 'seed', -1, 'range'),
            ('mnist_test.py', 'interval_secs', 1e12, 'range')):
        result = run_script(script, '--data_dir', data_dir, '--model_dir', tmp_path / 'm',
                            '--%s' % flag, value)
        assert result.returncode == 1 and result.stdout == '', (flag, result.stdout)
        assert re.match(r'FATAL Flags parsing error: flag --%s=' % flag, result.stderr), (
            result.stderr)
        assert len(result.stderr.splitlines()) == 1 and said in result.stderr, result.stderr
        assert 'Warning' not in result.stderr, result.stderr
        no_traceback(result)
    assert not os.path.exists(tmp_path / 'm')


@pytest.mark.parametrize('script, value', [('mnist_test.py', 0), ('mnist_test.py', -1),
                                           ('mnist_lenet5_test.py', '0.0')])
def test_the_watcher_refuses_an_interval_that_is_not_positive(tmp_path, data_dir, script,
                                                              value):
    """--interval_secs 0 passed absl's bounds [0, 86400] and the watcher busy-looped (here,
    with --once, it would evaluate); a negative value was refused in those words. Both are
    now refused alike, before anything is read."""
    result = run_script(script, '--data_dir', data_dir, '--model_dir', tmp_path / 'm',
                        '--once', '--interval_secs', value)
    assert result.returncode == 1 and result.stdout == '', result.stdout
    assert result.stderr == ('FATAL Flags parsing error: flag --interval_secs=%s: %.1f is not a '
                             'number in the range (0, 86400] (--help lists the flags)\n'
                             % (value, float(value))), result.stderr
    assert not os.path.exists(tmp_path / 'm')


@pytest.mark.parametrize('flags, lower', [
    (('--regularizer', 1e30), '--learning_rate or --regularizer'),
    (('--learning_rate', 1e38, '--regularizer', 0), '--learning_rate')])
def test_a_diverging_run_saves_nothing(tmp_path, data_dir, flags, lower):
    """It names the flags that may be too large: a run diverging for its --regularizer 1e30
    said to try a smaller learning rate, as if that alone could be."""
    result = run_script('mnist_lenet5_backward.py', '--data_dir', data_dir, '--model_dir',
                        tmp_path, '--steps', 50, '--save_every', 10, '--seed', 1, *flags)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert re.match(r'mnist_lenet5_backward\.py: error: the loss became (nan|inf) after step '
                    r'\d+: the weights diverged and are not saved .*; try a smaller %s$'
                    % lower, last), result.stderr
    no_traceback(result)
    assert not [name for name in os.listdir(tmp_path) if name.startswith('mnist_model')]


def test_a_layer_too_large_for_this_machine_is_one_line(tmp_path, data_dir):
    """--fc_size 100000000 asks for a 1.1 TiB weight matrix: out of memory was a traceback of
    two exceptions; now one line that names the tensor and the flags to lower."""
    result = run_script('mnist_lenet5_backward.py', '--fc_size', 100000000, '--steps', 1,
                        '--data_dir', data_dir, '--model_dir', tmp_path / 'model')
    assert result.returncode == 1
    no_traceback(result)
    assert result.stderr.strip().splitlines()[-1].startswith(
        'mnist_lenet5_backward.py: error: not enough memory (OOM when allocating tensor with '
        'shape[3136,100000000]'), result.stderr[-1000:]
