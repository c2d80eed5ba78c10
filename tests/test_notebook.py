"""The scripts in a real notebook: nbclient runs it in an ipykernel, one kernel for all cells,
as a student goes through the lessons: %run the trainer, the watcher, the app and the trainer
again with other flags; then the notes' functions called from cells. The project is copied
into a temporary folder, so that model/ there is the student's own."""
import os
import re
import shutil

import pytest

from conftest import ROOT, posix_only

nbformat = pytest.importorskip('nbformat')  # test dependencies: requirements-test.txt
nbclient = pytest.importorskip('nbclient')
pytest.importorskip('ipykernel')

LOSS = r'After %d training step\(s\), loss on training batch is [0-9.e+-]+\.'
TEST = r'After %d training step\(s\), test accuracy = [0-9.]+'
TIMEOUT = 600


def copy_project(target):
    """The scripts, mnist_lib/ and pic/, as a student's checkout (no model/, no data/)."""
    os.makedirs(target)
    for name in os.listdir(ROOT):
        if name.endswith('.py'):
            shutil.copy(os.path.join(ROOT, name), target)
    for folder in ('mnist_lib', 'pic'):
        shutil.copytree(os.path.join(ROOT, folder), os.path.join(target, folder),
                        ignore=shutil.ignore_patterns('__pycache__'))
    return target


def text(cell):
    """Everything a cell showed: its streams, and an error's lines as the notebook shows them."""
    parts = []
    for out in cell.outputs:
        if out.output_type == 'stream':
            parts.append(out.text)
        elif out.output_type == 'error':
            parts.append('\n'.join(out.traceback) + '\n')
        elif 'text/plain' in out.get('data', {}):
            parts.append(out.data['text/plain'] + '\n')
    return ''.join(parts)


def run_notebook(cells, cwd):
    """Executes the cells in one kernel; returns the notebook (outputs filled in)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbclient.NotebookClient(nb, timeout=TIMEOUT, kernel_name='python3', allow_errors=True,
                            resources={'metadata': {'path': cwd}}).execute()
    return nb


@pytest.fixture(scope='module')
def lessons(tmp_path_factory, data_dir):
    """The notebook, executed once; {cell name: what it showed}."""
    project = copy_project(str(tmp_path_factory.mktemp('notebook') / 'project'))
    other = os.path.join(project, 'other')
    functions = os.path.join(project, 'functions')
    empty = os.path.join(project, 'empty')
    os.makedirs(empty)
    cells = {
        'start': 'import os\nkernel, stderr = os.getpid(), os.fstat(2)\nprint("kernel", kernel)',
        'train': '%%run mnist_backward.py --steps 300 --print_every 100 --save_every 300 '
                 '--seed 1 --data_dir %s --model_dir %s' % (data_dir,
                                                            os.path.join(project, 'model')),
        'test': '%%run mnist_test.py --once --data_dir %s' % data_dir,
        'app': '%run mnist_app.py pic/3.png pic/7.png',
        'train again': '%%run mnist_backward.py --steps 200 --batch_size 100 --data_dir %s '
                       '--model_dir %s' % (data_dir, other),
        'test again': '%%run mnist_test.py --once --data_dir %s' % data_dir,
        'error': '%%run mnist_test.py --once --data tfrecord --data_dir %s' % empty,
        'bad flag': '%run mnist_backward.py --steps many',
        'help': '%run mnist_lenet5_test.py --help',
        'backward': 'import input_data, mnist_backward, mnist_test, mnist_app\n'
                    'mnist = input_data.read_data_sets(%r, one_hot=True, seed=2)\n'
                    'mnist_backward.backward(mnist, steps=100, model_dir=%r, print_every=50)'
                    % (data_dir, functions),
        'backward again': 'mnist_backward.backward(mnist, steps=150, model_dir=%r, '
                          'print_every=50)' % functions,
        'test()': 'print("status", mnist_test.test(mnist, model_dir=%r, once=True))' % functions,
        'restore_model()': 'print("digit", mnist_app.restore_model(mnist_app.pre_pic('
                           '"pic/3.png")))',
        'pre_pic() of no file': 'mnist_app.pre_pic("nosuch.png")',
        'application()': 'import pathlib\n'  # the count as a number, a path as a Path
                         'print("status", mnist_app.application(lines=[2, "pic/1.png", '
                         'pathlib.Path("pic/7.png")]))',
        'end': 'print("kernel", os.getpid(), os.getpid() == kernel, '
               'os.path.samestat(stderr, os.fstat(2)))\n'
               'try:\n    os.waitpid(-1, os.WNOHANG)\n    print("a child process")\n'
               'except ChildProcessError:\n    print("no child process")',
    }
    nb = run_notebook(list(cells.values()), project)
    shown = {name: text(cell) for name, cell in zip(cells, nb.cells)}
    for name, cell in zip(cells, nb.cells):  # the figures for the README: cells and outputs
        print('--- %s\n%s\n%s' % (name, cell.source, shown[name]))
    return shown


def lines(shown):
    return shown.splitlines()


@posix_only('the end cell looks for child processes with os.waitpid')
def test_the_kernel_lives_on_unforked_with_its_own_stderr(lessons):
    pid = lessons['start'].split()[1]
    assert lessons['end'].splitlines() == ['kernel %s True True' % pid, 'no child process']


def test_the_trainer_prints_the_notes_lines(lessons):
    out = lessons['train']
    for step in (100, 200, 300):
        assert re.search(LOSS % step, out), out
    assert re.search(r'After 300 training step\(s\), validation accuracy using average model '
                     r'is [0-9.]+', out)
    assert 'Reached 300 steps' in out and 'Traceback' not in out and 'SystemExit' not in out
    # TensorFlow's start-up lines (written by native code to fd 2, which the kernel shows as
    # the cell's stderr) are left out, as a script's are
    assert not re.search(r'oneDNN|cuda|cpu_feature_guard|absl::InitializeLog|^[IEW]\d{4} ', out,
                         re.M), out


def test_the_watcher_and_the_app(lessons):
    assert re.fullmatch(TEST % 300, lines(lessons['test'])[-1]), lessons['test']
    assert [line.split(':')[0] for line in lines(lessons['app'])] == ['pic/3.png', 'pic/7.png']
    assert all(re.match(r'pic/\d\.png: \d \(\d+\.\d%\)', line) for line in lines(lessons['app']))


def test_no_flag_value_leaks_from_the_script_before(lessons):
    out = lessons['train again']
    # --print_every 100 of the first run does not carry over: the notes' 1000, so only the
    # last step prints; --model_dir is this run's own (a fresh start, no resuming).
    assert re.search(LOSS % 200, out) and not re.search(LOSS % 100, out), out
    assert 'Resuming' not in out and 'Reached 200 steps' in out
    # The watcher again: its own default model/ (step 300), not the trainer's other folder.
    assert re.fullmatch(TEST % 300, lines(lessons['test again'])[-1]), lessons['test again']


def test_an_error_ends_the_cell_with_one_line(lessons):
    assert re.fullmatch(r'mnist_test\.py: error: \S+mnist_test\.tfrecords not found; make it '
                        r'with: python mnist_generateds\.py\n', lessons['error']), \
        lessons['error']
    bad = lessons['bad flag']
    assert 'Flags parsing error' in bad and 'many' in bad and len(bad.splitlines()) == 1, bad
    assert 'SystemExit' not in bad and 'Traceback' not in bad
    # A notes' function given a file that is not there: one line, no traceback.
    assert lessons['pre_pic() of no file'] == 'PictureError: no such file\n'


def test_help_in_the_kernel(lessons):
    out = lessons['help']
    assert '--fc_size' in out and '--[no]once' in out and '--[no]verbose' in out
    assert 'SystemExit' not in out


def test_the_notes_functions_from_cells(lessons):
    out = lessons['backward']
    assert re.search(LOSS % 50, out) and re.search(LOSS % 100, out), out
    out = lessons['backward again']  # a second call in the same kernel: its own graph
    assert 'Resuming from' in out and re.search(LOSS % 150, out), out
    assert not re.search(LOSS % 100, out)
    assert re.search(TEST % 150 + r'\nstatus 0\n$', lessons['test()']), lessons['test()']
    assert re.fullmatch(r'digit \d\n', lessons['restore_model()']), lessons['restore_model()']
    assert re.fullmatch(r'input the number of test pictures:2\n'
                        r'the path of test picture:pic/1\.png\n'
                        r'The prediction number is: \d\n'
                        r'(not sure: \d or \d\?\n)?'
                        r'the path of test picture:pic/7\.png\n'
                        r'The prediction number is: \d\n'
                        r'(not sure: \d or \d\?\n)?'
                        r'status 0\n', lessons['application()']), lessons['application()']


@posix_only('sends SIGINT to the kernel')
def test_a_second_ctrl_c_stops_the_cell_not_the_kernel(tmp_path):
    """Jupyter's interrupt is a SIGINT to the kernel; here the kernel sends itself two, as a
    student pressing Stop twice during training would (the training loop's StopSignal)."""
    cells = ['import os, signal\nfrom mnist_lib import training\n'
             'with training.StopSignal() as stop:\n'
             '    os.kill(os.getpid(), signal.SIGINT)\n'
             '    print("first:", stop.requested)\n'
             '    os.kill(os.getpid(), signal.SIGINT)\n'
             '    print("still running")',
             'print("alive", signal.getsignal(signal.SIGINT) is signal.default_int_handler)']
    try:
        nb = run_notebook(cells, copy_project(str(tmp_path / 'project')))
    except nbclient.exceptions.DeadKernelError as e:
        raise AssertionError('the kernel died: %s' % e)
    first, then = text(nb.cells[0]), text(nb.cells[1])
    assert 'first: SIGINT\n' in first and not re.search('^still running$', first, re.M), first
    assert 'KeyboardInterrupt' in first
    assert then == 'alive True\n'


def test_tensorflows_lines_stay_out_of_the_cells_after_a_run(tmp_path, mlp_dir):
    """The first %run of a script leaves TensorFlow's start-up lines out of the kernel's
    stderr; IPython gives each cell its own stream.write, so the cells after it showed them
    again (the first session's cuInit and MLIR lines). A line that is no such noise shows."""
    project = copy_project(str(tmp_path / 'project'))
    shutil.copytree(mlp_dir, os.path.join(project, 'model'))
    cells = ['%run mnist_app.py --help',
             'import mnist_app\nprint("digit", mnist_app.restore_model(mnist_app.pre_pic('
             '"pic/3.png")))',
             'import sys\n_ = sys.stderr.write("I0000 00:00:1796.0  1 x.cc:1] noise\\nmine\\n")']
    nb = run_notebook(cells, project)
    assert text(nb.cells[1]) == 'digit 3\n', text(nb.cells[1])
    assert text(nb.cells[2]) == 'mine\n', text(nb.cells[2])


def test_the_notes_functions_in_a_fresh_kernel(tmp_path, data_dir):
    """A student who only imports the modules and calls the notes' functions."""
    project = copy_project(str(tmp_path / 'project'))
    cells = ['import input_data, mnist_backward, mnist_test, mnist_app\n'
             'mnist = input_data.read_data_sets(%r, one_hot=True, seed=2)\n'
             'mnist_backward.backward(mnist, steps=20, print_every=10)' % data_dir,
             'mnist_backward.backward(mnist, steps=30, print_every=10)',
             'print("status", mnist_test.test(mnist, once=True))',
             'print("digit", mnist_app.restore_model(mnist_app.pre_pic("pic/3.png")))']
    nb = run_notebook(cells, project)
    shown = [text(cell) for cell in nb.cells]
    assert re.search(LOSS % 10, shown[0]) and re.search(LOSS % 20, shown[0]), shown[0]
    assert os.path.exists(os.path.join(project, 'model', 'mnist_model-20.index'))
    assert 'Resuming from' in shown[1] and re.search(LOSS % 30, shown[1]), shown[1]
    assert re.search(TEST % 30 + r'\nstatus 0\n$', shown[2]), shown[2]
    assert re.fullmatch(r'digit \d\n', shown[3]), shown[3]
