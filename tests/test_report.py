"""--report on the test scripts, and the watcher's test accuracy in TensorBoard."""
import glob
import os
import re

import tensorflow.compat.v1 as tf
from PIL import Image

from conftest import run_script

tf.disable_v2_behavior()
ROW = re.compile(r'^(\d)      (\d+) +(\d+) +([0-9.]+)%    (\d \(\d+\)|-)$')


def events(folder):
    """(tag, step, value or image) of every summary in a TensorBoard run folder."""
    found = []
    for path in glob.glob(os.path.join(folder, 'events.out.tfevents.*')):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                found.append((value.tag, event.step,
                              value.image if value.HasField('image') else value.simple_value))
    return found


def test_report_table_pictures_and_tensorboard(data_dir, mlp_dir, tmp_path):
    report_dir = tmp_path / 'report'
    result = run_script('mnist_test.py', '--once', '--report', '--report_dir', report_dir,
                        '--data_dir', data_dir, '--model_dir', mlp_dir)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith('Extracting')]
    accuracy = float(re.match(r'After 1500 training step\(s\), test accuracy = ([0-9.]+)$',
                              lines[0]).group(1))
    assert lines[1] == 'digit  right  of    accuracy  most often taken for'
    rows = [ROW.match(line).groups() for line in lines[2:12]]
    assert [int(r[0]) for r in rows] == list(range(10))
    assert sum(int(r[2]) for r in rows) == 10000
    right = sum(int(r[1]) for r in rows)
    assert abs(right / 10000.0 - accuracy) < 1e-4
    mistakes = int(re.match(r'Wrote .*confusion\.png and .*mistakes\.png \((\d+) mistakes\)$',
                            lines[12]).group(1))
    assert mistakes == 10000 - right
    assert Image.open(report_dir / 'confusion.png').size == (600, 520)
    mistakes_png = Image.open(report_dir / 'mistakes.png')
    assert mistakes_png.format == 'PNG'
    assert mistakes_png.size[0] == 1120
    assert not [f for f in os.listdir(report_dir) if f.startswith('.')]  # no temporary files
    found = events(os.path.join(mlp_dir, 'test'))
    scalars = [(step, value) for tag, step, value in found if tag == 'test_accuracy']
    assert any(s == 1500 and abs(v - accuracy) < 1e-4 for s, v in scalars), scalars
    images = {tag: value for tag, _, value in found if tag.startswith('report/')}
    assert sorted(images) == ['report/confusion', 'report/mistakes']
    assert images['report/confusion'].width == 600


def test_watcher_writes_test_accuracy_without_report(data_dir, tmp_path):
    result = run_script('mnist_backward.py', '--steps', 3, '--save_every', 3, '--data_dir',
                        data_dir, '--model_dir', tmp_path)
    assert result.returncode == 0, result.stderr
    result = run_script('mnist_test.py', '--once', '--data_dir', data_dir, '--model_dir', tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'digit  right' not in result.stdout and not (tmp_path / 'report').exists()
    assert [(tag, step) for tag, step, _ in events(tmp_path / 'test')] == [('test_accuracy', 3)]
