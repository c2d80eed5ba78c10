"""mnist_app.py --export: the SavedModel and TFLite models answer as the checkpoint does."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

import input_data
from conftest import ROOT, TIMEOUT, run_script
import mnist_app
from mnist_lib import export
from mnist_lib import picture

tf.disable_v2_behavior()

# Loads both exports the way the README shows (TF2, eager), in a process of its own.
LOAD = '''
import sys
import numpy as np
import tensorflow as tf
folder, inputs, out = sys.argv[1:]
x = np.load(inputs)
serving = tf.saved_model.load(folder).signatures['serving_default']
answer = serving(image=tf.constant(x))
interpreter = tf.lite.Interpreter(model_path=folder + '/model.tflite')
image = interpreter.get_input_details()[0]
interpreter.resize_tensor_input(image['index'], x.shape)
interpreter.allocate_tensors()
interpreter.set_tensor(image['index'], x)
interpreter.invoke()
lite = {d['name']: interpreter.get_tensor(d['index']) for d in interpreter.get_output_details()}
lite_p = [v for k, v in lite.items() if v.ndim == 2][0]
lite_d = [v for k, v in lite.items() if v.ndim == 1][0]
np.savez(out, p=answer['probabilities'].numpy(), d=answer['digit'].numpy(), lite_p=lite_p,
         lite_d=lite_d)
'''


@pytest.fixture(scope='module')
def inputs(data_dir, tmp_path_factory):
    pics = np.concatenate([picture.pre_pic(os.path.join(ROOT, 'pic', '%d.png' % d))
                           for d in range(10)])
    test = input_data.read_data_sets(data_dir).test.images[:1000]
    path = str(tmp_path_factory.mktemp('inputs') / 'x.npy')
    np.save(path, np.concatenate([pics, test]).astype(np.float32))
    return path


def load_both(folder, inputs, tmp_path):
    out = str(tmp_path / 'out.npz')
    result = subprocess.run([sys.executable, '-c', LOAD, str(folder), inputs, out],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    return np.load(out)


def test_export_answers_as_the_checkpoint(mlp_dir, inputs, tmp_path):
    result = run_script('mnist_app.py', '--model_dir', mlp_dir, '--export', tmp_path / 'mlp')
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('Wrote %s (signature serving_default: image [N,784] -> '
                                    'probabilities [N,10], digit [N]) and %s (' % (
                                        tmp_path / 'mlp' / 'saved_model.pb',
                                        tmp_path / 'mlp' / 'model.tflite'))
    expected = mnist_app.open_model('mlp', mlp_dir).predict(np.load(inputs))
    got = load_both(tmp_path / 'mlp', inputs, tmp_path)
    assert (got['d'] == expected.argmax(axis=1)).all() and got['d'].dtype == np.int64
    assert np.abs(got['p'] - expected).max() < 1e-4
    assert (got['lite_d'] == expected.argmax(axis=1)).all()
    assert np.abs(got['lite_p'] - expected).max() < 1e-4
    assert (expected[:10].argmax(axis=1) == np.arange(10)).all()  # pic/ read right

    result = run_script('mnist_app.py', '--model_dir', mlp_dir, '--export', tmp_path / 'q',
                        '--quantize')
    assert result.returncode == 0, result.stderr
    assert 'weights int8' in result.stdout
    quantised = load_both(tmp_path / 'q', inputs, tmp_path)
    assert (quantised['lite_d'] == expected.argmax(axis=1)).mean() >= 0.995
    assert os.path.getsize(tmp_path / 'q' / 'model.tflite') < \
        0.5 * os.path.getsize(tmp_path / 'mlp' / 'model.tflite')


def test_lenet5_export(data_dir, inputs, tmp_path):
    train = run_script('mnist_lenet5_backward.py', '--steps', 30, '--data_dir', data_dir,
                       '--model_dir', tmp_path / 'ckpt', '--fc_size', 64)
    assert train.returncode == 0, train.stderr
    result = run_script('mnist_app.py', '--model', 'lenet5', '--fc_size', 64, '--model_dir',
                        tmp_path / 'ckpt', '--export', tmp_path / 'lenet5')
    assert result.returncode == 0, result.stderr
    expected = mnist_app.open_model('lenet5', str(tmp_path / 'ckpt'), 64).predict(np.load(inputs))
    got = load_both(tmp_path / 'lenet5', inputs, tmp_path)
    assert (got['d'] == expected.argmax(axis=1)).all()
    assert np.abs(got['lite_p'] - expected).max() < 1e-4

    # The export's resource variables took any shape: the wrong --fc_size, or the MLP's graph
    # over LeNet-5's weights, exported with exit 0 (the second with a traceback).
    for args in (['--model', 'lenet5'], ['--model', 'mlp']):
        result = run_script('mnist_app.py', *args, '--model_dir', tmp_path / 'ckpt', '--export',
                            tmp_path / 'wrong')
        assert result.returncode == 1, result.stdout
        last = result.stderr.strip().splitlines()[-1]
        assert re.match(r'mnist_app\.py: error: cannot restore .*mnist_model-30 \(\S+ is \[.*\] '
                        r'in the checkpoint, \[.*\] here\)', last), result.stderr
        assert not (tmp_path / 'wrong').exists()


def test_bad_export_targets(mlp_dir, tmp_path):
    (tmp_path / 'full').mkdir()
    (tmp_path / 'full' / 'keep.txt').write_text('mine')
    (tmp_path / 'a_file').write_text('')
    cases = [(['--model_dir', mlp_dir, '--export', tmp_path / 'full'], 'is not empty'),
             (['--model_dir', mlp_dir, '--export', tmp_path / 'a_file'], 'is a file'),
             (['--model_dir', mlp_dir, '--export', tmp_path / 'a_file' / 'x'], 'cannot write'),
             (['--model_dir', tmp_path / 'none', '--export', tmp_path / 'new'],
              'No checkpoint file found')]
    for args, words in cases:
        result = run_script('mnist_app.py', *args)
        assert result.returncode != 0
        assert 'Traceback' not in result.stderr
        assert words in result.stdout + result.stderr, (args, result.stdout, result.stderr)
    assert (tmp_path / 'full' / 'keep.txt').read_text() == 'mine'
    assert not (tmp_path / 'new').exists()
    assert not [f for f in os.listdir(tmp_path) if f.startswith('.')]
    result = run_script('mnist_app.py', '--model_dir', mlp_dir, '--export', tmp_path / 'full',
                        '--overwrite')
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path / 'full')) == ['model.tflite', 'saved_model.pb',
                                                     'variables']


def test_the_model_folder_and_the_current_one_are_no_export_targets(mlp_dir, tmp_path):
    """With --overwrite, either was replaced by the export: the checkpoints deleted, or the
    rename of '.' failing with a traceback."""
    kept = sorted(os.listdir(mlp_dir))
    (tmp_path / 'here').mkdir()
    for target, cwd, words in ((mlp_dir, ROOT, 'holds the model folder'),
                               (os.path.dirname(mlp_dir), ROOT, 'holds the model folder'),
                               ('.', tmp_path / 'here', 'holds the current folder')):
        result = run_script('mnist_app.py', '--model_dir', mlp_dir, '--export', target,
                            '--overwrite', cwd=cwd)
        assert result.returncode == 1, result.stdout
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith('mnist_app.py: error: --export %s %s' % (target, words)), last
    assert sorted(os.listdir(mlp_dir)) == kept


def test_a_failed_replace_puts_the_old_export_back(tmp_path, monkeypatch):
    (tmp_path / 'out').mkdir()
    (tmp_path / 'out' / 'old.txt').write_text('old')
    (tmp_path / 'built').mkdir()
    renames = []

    def rename(src, dst):
        renames.append(src)
        if len(renames) == 2:
            raise OSError(16, 'Device or resource busy')
        os_rename(src, dst)
    os_rename = os.rename
    monkeypatch.setattr(os, 'rename', rename)
    with pytest.raises(OSError):
        export._replace(str(tmp_path / 'out'), str(tmp_path / 'built'), str(tmp_path))
    assert len(renames) == 3  # out of the way, the new one refused, the old one back
    assert (tmp_path / 'out' / 'old.txt').read_text() == 'old'
    assert sorted(os.listdir(tmp_path)) == ['built', 'out']


def test_export_takes_no_pictures(mlp_dir, tmp_path):
    result = run_script('mnist_app.py', '--model_dir', mlp_dir, '--export', tmp_path / 'out',
                        os.path.join(ROOT, 'pic', '0.png'))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        'mnist_app.py: error: --export takes no pictures')
    assert not (tmp_path / 'out').exists()
