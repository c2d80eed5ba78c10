"""Lesson 6.1: recognise your own pictures of digits with the trained model.

    python mnist_app.py                        # the notes' prompts
    python mnist_app.py pic/*.png photo.jpg    # one line per picture: path: digit (confidence%)
                                               # (cmd and PowerShell pass pic/*.png on: expanded here)
    python mnist_app.py --model lenet5 ...     # LeNet-5 instead of the MLP
    python mnist_app.py --number photo.jpg     # a whole number: photo.jpg: 2026 (97.3%)
    python mnist_app.py --noreject cup.jpg     # a digit even where the judge sees none
    python mnist_app.py --save_input seen/ ... # also write the 28x28 inputs the network saw
    python mnist_app.py --export exported/mlp  # SavedModel + model.tflite (see mnist_lib/export.py)
    python mnist_app.py --serve                # the drawing page on http://127.0.0.1:8000/

The model (EMA weights) is restored once per process, not once per picture. A picture whose
input the judge (mnist_lib/judge.py) takes for no whole digit, or one with no ink at all, is
answered "not a digit" (unlike the notes, which always name a digit; --noreject does, for
any picture with ink).
Exit status: 0 every picture answered ("not a digit" is an answer), 1 some could not be
read, 2 no checkpoint.

In a notebook, after `import mnist_app`: restore_model(pre_pic('pic/3.png')) gives the
digit, and application(lines=['1', 'pic/3.png']) runs the notes' dialogue with those answers.
"""
if __name__ == '__main__':  # before TensorFlow is imported: see mnist_lib/quiet.py
    from mnist_lib import quiet
    quiet.hush()

import os
import sys

import numpy as np
from absl import flags

import mnist_backward
import mnist_lenet5_backward
import mnist_lenet5_forward
from mnist_lib import cli
from mnist_lib import errors
from mnist_lib import export
from mnist_lib import files
from mnist_lib import input_pictures
from mnist_lib import judge as judge_lib
from mnist_lib import model
from mnist_lib import picture
from mnist_lib import prompts
from mnist_lib import recognise
from mnist_lib import served_models
from mnist_lib import server

# What the app, the page and the export need of each model; the notes' constants, from the
# scripts that train it.
MODELS = {
    'mlp': model.Spec('mlp', model.mlp_logits, mnist_backward.MOVING_AVERAGE_DECAY,
                      mnist_backward.MODEL_SAVE_PATH, 'mnist_backward.py'),
    'lenet5': model.Spec('lenet5', model.lenet5_logits, mnist_lenet5_backward.MOVING_AVERAGE_DECAY,
                         mnist_lenet5_backward.MODEL_SAVE_PATH, 'mnist_lenet5_backward.py'),
}
_model = None  # the process's Model, restored on first use
_judge = None  # the process's Judge, restored on first use (with --reject)


def open_model(kind='mlp', model_dir=None, fc_size=mnist_lenet5_forward.FC_SIZE,
               for_export=False):
    """The model `kind` ('mlp' or 'lenet5') restored from `model_dir` (default: its own)."""
    return model.Model(MODELS[kind], model_dir, fc_size, for_export)


def restore_model(testPicArr):
    """The notes' function: returns the predicted digit of a [1, 784] picture.

    Unlike the notes, the model is restored once and kept for later calls.
    """
    return int(np.argmax(the_model().predict(testPicArr), axis=1)[0])


def the_model():
    """The process's model: the one main() opened, else the MLP from model/, opened now."""
    global _model
    if _model is None:
        _model = open_model()
    if not _model.checkpoint:
        raise errors.UsageError('No checkpoint file found in %s (train first: python %s)'
                                % (_model.model_dir, MODELS[_model.kind].trainer))
    return _model


def pre_pic(picName, method=picture.DEFAULT):
    """The notes' function: a picture file -> a [1, 784] float32 array, white digit on black."""
    return picture.pre_pic(picName, method)


def the_judge():
    """The process's judge, restored on first use. Raises UsageError when its weights are
    missing or damaged."""
    global _judge
    if _judge is None:
        _judge = judge_lib.Judge()
    return _judge


def answer(path, method, number=False, save_input=None, reject=True):
    """Reads one picture (recognise.read), with the judge unless not `reject` (a number is
    always read with it; never with --preprocess course: it was not made for such inputs);
    writes its inputs into `save_input` if given. Raises picture.PictureError, also where an
    input cannot be written (the batch goes on)."""
    judged = (reject or number) and method == picture.DEFAULT
    reading = recognise.read(path, the_model(), number, method,
                             judge=the_judge() if judged else None)
    if save_input:
        name = os.path.splitext(os.path.basename(path.rstrip(os.sep)))[0]
        try:
            input_pictures.save_inputs(reading, save_input, name, number, source=path)
        except errors.UsageError as e:
            raise picture.PictureError(str(e))
    return reading


def application(method=picture.DEFAULT, number=False, save_input=None, lines=None,
                reject=True):
    """The notes' interactive loop. Returns the exit status.

    `lines` (strings), when given, are the answers instead of what is typed: in a notebook,
    where no one may be at a keyboard.
    """
    reply = prompts.ask if lines is None else prompts.answers(lines)
    while True:
        answer_text = reply('input the number of test pictures:')
        if answer_text is None:
            return 0
        answer_text = answer_text.strip()  # digits only: not int()'s 1_0, +3 or ٣
        testNum = int(answer_text) if answer_text.isascii() and answer_text.isdigit() else -1
        if testNum >= 0:
            break
        print('Please type a whole number, 0 or more.')
    failed = 0
    for _ in range(testNum):
        testPic = reply('the path of test picture:')
        if testPic is None:  # the input ended early: the status of what was asked
            return 1 if failed else 0
        testPic = os.path.expanduser(testPic.strip().strip('"\''))
        try:
            reading = answer(testPic, method, number, save_input, reject)
        except picture.PictureError as e:
            print('%s: error: %s' % (errors.named(testPic), e))
            failed += 1
            continue
        preValue = recognise.answer_text(reading, number)
        print('The prediction number is:', preValue)
        unsure = recognise.doubt(reading)
        if unsure:
            print('not sure: %s or %s?' % unsure)
        hint = recognise.number_hint(reading)
        if hint:
            print(hint)
    return 1 if failed else 0


def batch(paths, method, number=False, save_input=None, reject=True):
    """One line per picture: '<path>: <digit or number> (<confidence>%)', and ' not sure: A or
    B?' after it when unsure; '<path>: not a digit (...)' for a picture without one; a
    control character in the path escaped (\\n), as in error lines. Returns the exit status."""
    failed = 0
    for path in paths:
        try:
            reading = answer(path, method, number, save_input, reject)
        except picture.PictureError as e:
            print('%s: error: %s' % (errors.named(path), e), flush=True)
            failed += 1
            continue
        print('%s: %s' % (errors.escaped(path), recognise.answer_line(reading, number)),
              flush=True)
    return 1 if failed else 0


def serve(argv):
    """--serve: the page and its API on both models of --model_dir's layout (model/ and
    model/lenet5/), until Ctrl-C. Returns the exit status (2: neither is trained)."""
    given = [name for name in ('model', 'number', 'preprocess', 'save_input', 'export')
             if FLAGS[name].present]
    if len(argv) > 1 or given:
        raise errors.UsageError('--serve takes no %s: the page and its API choose the model '
                                'and the mode picture by picture'
                                % ('pictures' if len(argv) > 1 else '--' + given[0]))
    dirs = {'mlp': FLAGS.model_dir, 'lenet5': os.path.join(FLAGS.model_dir, 'lenet5')
            } if FLAGS.model_dir else {kind: spec.model_dir for kind, spec in MODELS.items()}
    trainers = {kind: MODELS[kind].trainer + (' --model_dir %s' % dirs[kind]
                                              if FLAGS.model_dir else '') for kind in MODELS}
    models = served_models.ServedModels(MODELS, dirs, FLAGS.fc_size, trainers)
    if not models.any():
        print('mnist_app.py: error: no model is trained yet in %s (train first: python %s)'
              % (FLAGS.model_dir or MODELS['mlp'].model_dir, trainers['mlp']), file=sys.stderr)
        return 2
    judge, no_judge = None, None
    try:
        judge = the_judge()
    except errors.UsageError as e:  # --noreject serves single digits without it
        if FLAGS.reject:
            raise
        no_judge = str(e)
    return server.serve(models, FLAGS.host, FLAGS.port, judge, FLAGS.reject, no_judge)


def main(argv):
    global _model
    if FLAGS.serve:
        return serve(argv)
    if FLAGS.fc_size != mnist_lenet5_forward.FC_SIZE and FLAGS.model != 'lenet5':
        raise errors.UsageError('--fc_size only applies to --model lenet5')
    if FLAGS.number and FLAGS.preprocess != picture.DEFAULT:
        raise errors.UsageError('--number reads with --preprocess %s only' % picture.DEFAULT)
    for name in ('save_input', 'export'):  # given empty, as --save_input= or "$UNSET"
        if FLAGS[name].value == '':
            raise errors.UsageError('--%s needs a folder' % name)
    if FLAGS.save_input:
        try:
            files.check_writable(FLAGS.save_input)
        except OSError as e:
            raise errors.UsageError('cannot write pictures into --save_input %s (%s)'
                                    % (errors.named(FLAGS.save_input),
                                       errors.named(str(e.strerror or e))))
    if FLAGS.export:
        export.check_target(FLAGS.export, FLAGS.overwrite,
                            FLAGS.model_dir or MODELS[FLAGS.model].model_dir)
    _model = open_model(FLAGS.model, FLAGS.model_dir, FLAGS.fc_size, for_export=bool(FLAGS.export))
    if not _model.checkpoint:
        print('No checkpoint file found')
        print('(train first: python %s%s)' % (MODELS[FLAGS.model].trainer, ' --model_dir %s'
                                              % FLAGS.model_dir if FLAGS.model_dir else ''),
              file=sys.stderr)
        return 2
    if FLAGS.export:
        if len(argv) > 1:
            raise errors.UsageError('--export takes no pictures')
        print(export.export(_model, FLAGS.export, FLAGS.quantize, FLAGS.overwrite))
        return 0
    if (FLAGS.reject or FLAGS.number) and FLAGS.preprocess == picture.DEFAULT:
        the_judge()  # a missing judge is said at once, not at the first picture
    if len(argv) > 1:
        return batch(prompts.expand(argv[1:]), FLAGS.preprocess, FLAGS.number, FLAGS.save_input,
                     FLAGS.reject)
    return application(FLAGS.preprocess, FLAGS.number, FLAGS.save_input, reject=FLAGS.reject)


FLAGS = cli.FLAGS

if __name__ == '__main__':
    cli.fresh_flags()
    flags.DEFINE_enum('model', 'mlp', sorted(MODELS), 'mlp: mnist_forward.py; lenet5: LeNet-5.')
    flags.DEFINE_string('model_dir', None, 'Checkpoint folder (default: the model\'s own, '
                        'model/ or model/lenet5/). With --serve: the MLP\'s, with LeNet-5 in '
                        'its lenet5/.')
    flags.DEFINE_integer('fc_size', mnist_lenet5_forward.FC_SIZE, 'LeNet-5 FC units, as '
                         'trained.', lower_bound=1)
    flags.DEFINE_enum('preprocess', picture.DEFAULT, picture.METHODS,
                      'mnist: find the digit and normalise it as MNIST was; course: the notes\' '
                      'invert + threshold 50 on a whole-picture resize.')
    flags.DEFINE_bool('number', False, 'Read a whole number from each picture instead of one '
                      'digit: its rows of digits top to bottom, a slanted row along its slant.')
    flags.DEFINE_bool('reject', True, 'Answer "not a digit" where the judge (a second small '
                      'network) sees no whole digit in the input, or the picture is blank; '
                      '--noreject names a digit for any picture with ink, as the notes do. --number always reads '
                      'with the judge; --preprocess course never does.')
    flags.DEFINE_string('save_input', None, 'Write the 28x28 picture(s) the network was given, '
                        'enlarged, into this folder: <name>.png, or <name>_<k>.png per digit '
                        '(default: none, no pictures written).')
    flags.DEFINE_string('export', None, 'Write the model as a SavedModel and model.tflite into '
                        'this folder, instead of reading pictures (default: none, no export).')
    flags.DEFINE_bool('quantize', False, '--export: dynamic-range quantisation of the TFLite '
                      'model (weights in int8).')
    flags.DEFINE_bool('overwrite', False, '--export: replace a folder that is not empty.')
    flags.DEFINE_bool('serve', False, 'Serve the drawing page (every trained model) instead of '
                      'reading pictures.')
    flags.DEFINE_string('host', '127.0.0.1', '--serve: the address to listen on (127.0.0.1: '
                        'this computer only; 0.0.0.0: every network it is on).')
    flags.DEFINE_integer('port', 8000, '--serve: the port (0: any free one).', lower_bound=0,
                         upper_bound=65535)
    cli.run(main, takes_args=True)
