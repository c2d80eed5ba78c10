"""The library only looks down: no module of mnist_lib/ imports a top-level script but the two
forward modules (the notes' single definition of the networks), and importing the library or
any script runs nothing."""
import ast
import glob
import os
import subprocess
import sys

from conftest import ROOT

SCRIPTS = {os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(ROOT, '*.py'))}
ALLOWED = {'mnist_forward', 'mnist_lenet5_forward'}


def imported(path):
    """The top-level names a module imports."""
    names = set()
    for node in ast.walk(ast.parse(open(path, encoding='utf-8').read())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split('.')[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split('.')[0])
    return names


def test_the_library_imports_no_script_but_the_forward_modules():
    assert {'mnist_backward', 'mnist_app', 'input_data'} <= SCRIPTS  # the scan sees them
    upward = {os.path.basename(path): sorted(imported(path) & (SCRIPTS - ALLOWED))
              for path in glob.glob(os.path.join(ROOT, 'mnist_lib', '*.py'))}
    assert {name: found for name, found in upward.items() if found} == {}


def test_importing_every_module_runs_nothing(tmp_path):
    """No output, no file written, no flag defined: work starts under the main guard."""
    modules = sorted(SCRIPTS) + ['mnist_lib.' + os.path.splitext(os.path.basename(p))[0]
                                 for p in glob.glob(os.path.join(ROOT, 'mnist_lib', '*.py'))]
    code = ('import sys, os; sys.path.insert(0, %r); os.chdir(%r)\n'
            'from absl import app, flags, logging; import tensorflow  # their own flags\n'
            'before = set(flags.FLAGS)\n'
            'for name in %r: __import__(name)\n'
            'print(sorted(set(flags.FLAGS) - before), os.listdir("."))' % (ROOT, str(tmp_path),
                                                                            modules))
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            timeout=300, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3'))
    assert result.returncode == 0, result.stderr
    assert result.stdout == '[] []\n'
