"""Lesson 6.2: TFRecords of your own pictures, read back through the notes' queue runners."""
import os
import re

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from PIL import Image

import mnist_generateds
from conftest import run_script
from test_mlp_scripts import LOSS, TEST, matches, no_traceback
from mnist_lib import training

tf.disable_v2_behavior()


def make_folder(folder, n=12, size=28):
    """n pictures (picture i is filled with 10*i, label i % 10) and their label file."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        name = '%d_%d.png' % (i, i % 10)
        Image.new('L', (size, size), 10 * i).save(folder / name)
        lines.append('%s %d\n' % (name, i % 10))
    labels = folder.parent / (folder.name + '.txt')
    labels.write_text(''.join(lines))
    return str(folder), str(labels)


def read_back(path):
    examples = [tf.train.Example.FromString(r) for r in tf.io.tf_record_iterator(path)]
    return [(np.frombuffer(e.features.feature['img_raw'].bytes_list.value[0], np.uint8),
             list(e.features.feature['label'].int64_list.value)) for e in examples]


def test_round_trip(tmp_path, capsys):
    images, labels = make_folder(tmp_path / 'pics')
    record = str(tmp_path / 'own.tfrecords')
    mnist_generateds.write_tfRecord(record, images, labels)
    assert 'write tfrecord successful' in capsys.readouterr().out
    back = read_back(record)
    assert len(back) == 12
    for i, (pixels, one_hot) in enumerate(back):
        assert pixels.shape == (784,) and (pixels == 10 * i).all()
        assert one_hot == [int(d == i % 10) for d in range(10)]
    assert mnist_generateds.count_records(record) == 12
    assert sorted(os.listdir(tmp_path)) == ['own.tfrecords', 'pics', 'pics.txt']  # no temp file

    # The notes' reader, one record at a time and in batches, through queue runners.
    for per_read in (1, 5):
        with tf.Graph().as_default(), tf.Session() as sess:
            img, label = mnist_generateds.read_tfRecord(record, per_read)
            with training.QueueRunners(sess) as queues:
                got = [queues.run([img, label]) for _ in range(24 // per_read)]
        imgs = np.concatenate([np.reshape(g[0], (-1, 784)) for g in got])
        lbls = np.concatenate([np.reshape(g[1], (-1, 10)) for g in got])
        values = sorted(set(int(round(v * 255)) for v in imgs[:, 0]))
        assert values == [10 * i for i in range(12)]
        assert imgs.dtype == np.float32 and imgs.max() <= 1.0
        assert all((lbls[k].argmax() * 10) % 100 == int(round(imgs[k, 0] * 255)) % 100
                   for k in range(len(lbls)))


def test_bigger_pictures_are_made_28x28_grey(tmp_path):
    folder = tmp_path / 'big'
    folder.mkdir()
    Image.new('RGB', (100, 80), (200, 200, 200)).save(folder / 'a.png')
    (tmp_path / 'big.txt').write_text('a.png 3\n')
    mnist_generateds.write_tfRecord(str(tmp_path / 'r.tfrecords'), str(folder),
                                    str(tmp_path / 'big.txt'))
    ((pixels, one_hot),) = read_back(str(tmp_path / 'r.tfrecords'))
    assert pixels.shape == (784,) and abs(int(pixels.mean()) - 200) <= 1 and one_hot[3] == 1


@pytest.mark.parametrize('line, words', [
    ('missing.png 1', 'line 3: picture .*missing.png is missing'),
    ('0_0.png 12', 'line 3: label \'12\' is not a digit 0-9'),
    ('0_0.png', 'line 3: expected "<file name> <label>"'),
    ('notes.txt 4', 'line 3: .*notes.txt is not a picture'),
])
def test_bad_label_lines_name_the_line(tmp_path, line, words):
    images, labels = make_folder(tmp_path / 'pics', n=2)
    (tmp_path / 'pics' / 'notes.txt').write_text('not a picture')
    with open(labels, 'a') as f:
        f.write(line + '\n')
    record = tmp_path / 'out.tfrecords'
    with pytest.raises(mnist_generateds.DatasetError, match=words):
        mnist_generateds.write_tfRecord(str(record), images, labels)
    assert sorted(os.listdir(tmp_path)) == ['pics', 'pics.txt']  # nothing half-written


def test_script_error_is_one_line(tmp_path):
    images, labels = make_folder(tmp_path / 'pics', n=2)
    with open(labels, 'a') as f:
        f.write('0_0.png 10\n')
    result = run_script('mnist_generateds.py', '--data_dir', tmp_path / 'out',
                        '--train_images', images, '--train_labels', labels,
                        '--test_images', images, '--test_labels', labels)
    assert result.returncode == 1
    assert re.search(r"mnist_generateds\.py: error: .*pics\.txt line 3: label '10' is not",
                     result.stderr.strip().splitlines()[-1])
    no_traceback(result)
    assert not any(f.endswith('.tfrecords') for f in os.listdir(tmp_path / 'out'))


@pytest.mark.parametrize('damage', ['truncated', 'corrupted', 'missing'])
def test_damaged_records_are_an_error_not_a_hang(tmp_path, damage):
    images, labels = make_folder(tmp_path / 'pics')
    data_dir = tmp_path / 'data'
    data_dir.mkdir()
    record = data_dir / mnist_generateds.TRAIN_NAME
    mnist_generateds.write_tfRecord(str(record), images, labels)
    raw = bytearray(record.read_bytes())
    if damage == 'truncated':
        record.write_bytes(bytes(raw[:len(raw) - 50]))
    elif damage == 'corrupted':
        raw[len(raw) // 2] ^= 0xFF
        record.write_bytes(bytes(raw))
    else:
        record.unlink()
    result = run_script('mnist_backward.py', '--data', 'tfrecord', '--data_dir', data_dir,
                        '--model_dir', tmp_path / 'model', '--steps', 5, timeout=120)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert 'mnist_backward.py: error: ' in last and 'mnist_train.tfrecords' in last
    assert ('not found' if damage == 'missing' else 'is damaged') in last
    no_traceback(result)


@pytest.mark.parametrize('payload', ['small picture', 'no Example'])
def test_records_that_hold_no_mnist_example_are_one_line(tmp_path, payload):
    """Records whole as files but not the lesson's Examples: a queue thread's error, re-raised
    when the threads were joined (training.QueueRunners, the watcher's too), came out as a
    traceback over the one-line error."""
    data_dir = tmp_path / 'data'
    data_dir.mkdir()
    example = tf.train.Example(features=tf.train.Features(feature={
        'img_raw': tf.train.Feature(bytes_list=tf.train.BytesList(value=[b'x' * 100])),
        'label': tf.train.Feature(int64_list=tf.train.Int64List(value=[1] * 10))}))
    with tf.io.TFRecordWriter(str(data_dir / mnist_generateds.TRAIN_NAME)) as writer:
        for _ in range(3):
            writer.write(example.SerializeToString() if payload == 'small picture'
                         else b'not an example')
    result = run_script('mnist_backward.py', '--data', 'tfrecord', '--data_dir', data_dir,
                        '--model_dir', tmp_path / 'model', '--steps', 5, timeout=180)
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 1 and last.startswith(
        'mnist_backward.py: error: reading the records failed ('), result.stderr[-2000:]
    no_traceback(result)


def test_lesson_end_to_end_from_mnist(tmp_path, data_dir):
    """Export MNIST to the course's jpg layout, build the records, train and test from them."""
    out = tmp_path / 'records'
    jpg = tmp_path / 'jpg'
    made = run_script('mnist_generateds.py', '--data_dir', out, '--mnist_dir', data_dir,
                      '--jpg_dir', jpg)
    assert made.returncode == 0, made.stderr
    assert 'write tfrecord successful: %s' % (out / 'mnist_train.tfrecords') in made.stdout
    train_dir = jpg / 'mnist_train_jpg_60000'
    assert len(os.listdir(train_dir)) == 60000 and (train_dir / '1_0.jpg').exists()
    assert (jpg / 'mnist_train_jpg_60000.txt').read_text().splitlines()[:2] == ['0_5.jpg 5',
                                                                               '1_0.jpg 0']
    assert len(os.listdir(jpg / 'mnist_test_jpg_10000')) == 10000
    assert (jpg / 'mnist_test_jpg_10000.txt').read_text().splitlines()[28] == '28_0.jpg 0'
    assert mnist_generateds.count_records(str(out / 'mnist_train.tfrecords')) == 60000
    assert mnist_generateds.count_records(str(out / 'mnist_test.tfrecords')) == 10000

    common = ['--steps', 400, '--save_every', 400, '--print_every', 200, '--seed', 4]
    from_records = run_script('mnist_backward.py', '--data', 'tfrecord', '--data_dir', out,
                              '--model_dir', tmp_path / 'm_records', *common)
    assert from_records.returncode == 0, from_records.stderr
    assert [int(s) for s, _ in matches(LOSS, from_records.stdout)] == [200, 400]
    from_memory = run_script('mnist_backward.py', '--data_dir', data_dir,
                             '--model_dir', tmp_path / 'm_memory', *common)
    assert from_memory.returncode == 0, from_memory.stderr

    accuracies = {}
    for name in ('m_records', 'm_memory'):
        tested = run_script('mnist_test.py', '--once', '--data', 'tfrecord', '--data_dir', out,
                            '--model_dir', tmp_path / name)
        assert tested.returncode == 0, tested.stderr
        ((step, accuracy),) = matches(TEST, tested.stdout)
        assert step == '400'
        accuracies[name] = float(accuracy)
    assert accuracies['m_records'] > 0.88
    assert abs(accuracies['m_records'] - accuracies['m_memory']) < 0.03

    # --report from the records: the table covers all 10000 test records.
    reported = run_script('mnist_test.py', '--once', '--report', '--data', 'tfrecord',
                          '--data_dir', out, '--model_dir', tmp_path / 'm_records')
    assert reported.returncode == 0, reported.stderr
    rows = re.findall(r'^\d      (\d+) +(\d+) ', reported.stdout, re.M)
    assert len(rows) == 10 and sum(int(of) for _, of in rows) == 10000
    right = sum(int(r) for r, _ in rows)
    ((_, accuracy),) = matches(TEST, reported.stdout)  # this run's batch of the records
    assert abs(right / 10000.0 - float(accuracy)) < 1e-4
    assert (tmp_path / 'm_records' / 'report' / 'confusion.png').is_file()


def test_a_file_in_the_way_of_a_folder_is_named_before_any_work(tmp_path):
    """It was a traceback (NotADirectoryError, FileExistsError)."""
    (tmp_path / 'afile').write_text('mine')
    images, labels = make_folder(tmp_path / 'pics', n=2)
    own = ['--train_images', images, '--train_labels', labels, '--test_images', images,
           '--test_labels', labels]
    for args, flag, folder in ((own + ['--data_dir', tmp_path / 'afile' / 'x'], 'data_dir',
                                tmp_path / 'afile' / 'x'),
                               (['--export_jpg', '--jpg_dir', tmp_path / 'afile'], 'jpg_dir',
                                tmp_path / 'afile')):
        result = run_script('mnist_generateds.py', *args)
        assert result.returncode == 1, result.stdout
        assert result.stderr.strip().splitlines()[-1] == (
            'mnist_generateds.py: error: cannot write into --%s %s (%s is a file, not a folder)'
            % (flag, folder, tmp_path / 'afile'))
        no_traceback(result)
        assert 'directory' not in result.stdout  # (the notes' line: nothing was begun)
    assert (tmp_path / 'afile').read_text() == 'mine'


def test_own_folders_need_all_four_flags(tmp_path):
    images, labels = make_folder(tmp_path / 'pics', n=2)
    result = run_script('mnist_generateds.py', '--data_dir', tmp_path / 'out',
                        '--train_images', images, '--train_labels', labels)
    assert result.returncode == 1
    assert 'go together' in result.stderr.strip().splitlines()[-1]
    no_traceback(result)


def test_own_photos_are_normalised_like_the_app(tmp_path):
    from mnist_lib import picture
    from conftest import ROOT
    folder = tmp_path / 'photos'
    folder.mkdir()
    seven = os.path.join(ROOT, 'pic', '7.png')  # dark digit on a light 300x300 page
    Image.open(seven).save(folder / 'seven.png')
    (tmp_path / 'photos.txt').write_text('seven.png 7\n')
    record = str(tmp_path / 'own.tfrecords')
    mnist_generateds.write_tfRecord(record, str(folder), str(tmp_path / 'photos.txt'), 'mnist')
    ((pixels, one_hot),) = read_back(record)
    expected = np.uint8(np.round(picture.pre_pic(seven)[0] * 255))
    assert (pixels == expected).all() and one_hot[7] == 1
    assert pixels[:28].sum() == 0  # white on black, as MNIST: the top row is dark
