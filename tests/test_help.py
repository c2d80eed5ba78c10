"""--help of every script lists every flag it takes, with its default; --helpfull stays absl's.
Every help ends with status 0 (absl's end with 1, as if asking for help were an error).

What a script takes is read from its --helpfull, which absl groups by the module that
defined each flag: the script's own and mnist_lib.cli's (the shared ones)."""
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, script_env

SCRIPTS = ['mnist_backward.py', 'mnist_test.py', 'mnist_lenet5_backward.py',
           'mnist_lenet5_test.py', 'mnist_app.py', 'mnist_generateds.py']


def entries(text):
    """{module: {flag name: its help entry}} from absl's help text."""
    found, module = {}, None
    for block in re.split(r'\n(?=\S|  -)', text):
        header = re.match(r'(\S.*):$', block)
        if header:
            module = header.group(1)
            continue
        flag = re.match(r'  (?:-\S,)?--(?:\[no\])?(\w+)', block)
        if flag and module:
            found.setdefault(module, {})[flag.group(1)] = block
    return found


@pytest.fixture(scope='module')
def helps():
    """Both helps of every script, run side by side."""
    runs = {(name, option): subprocess.Popen(
        [sys.executable, os.path.join(ROOT, name), option], cwd=ROOT, env=script_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in SCRIPTS for option in ('--help', '--helpfull')}
    out = {}
    for key, proc in runs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert 'Traceback' not in stderr, stderr
        assert proc.returncode == 0, (key, proc.returncode, stderr)  # (absl's helps end in 1)
        out[key] = stdout
    return out


@pytest.mark.parametrize('name', SCRIPTS)
def test_help_lists_every_flag_with_its_default(helps, name):
    full = entries(helps[name, '--helpfull'])
    path = os.path.join(ROOT, name)
    taken = dict(full.get(path, {}), **full.get('mnist_lib.cli', {}))
    assert {'verbose'} < set(taken)
    shown = entries(helps[name, '--help'])
    assert list(shown) == [path]  # one group: the script's, the shared flags among them
    assert set(shown[path]) == set(taken)
    for flag, entry in shown[path].items():
        assert '(default: ' in entry, entry
    print('%s: --help shows %d flags of the %d it takes' % (name, len(shown[path]), len(taken)))


def test_the_trainer_shows_the_shared_flags_and_their_defaults(helps):
    shown = entries(helps['mnist_backward.py', '--help'])[os.path.join(ROOT, 'mnist_backward.py')]
    assert "(default: '50000')" in shown['steps']
    assert "(default: '%s')" % os.path.join(ROOT, 'model') in shown['model_dir']
    assert "(default: 'false')" in shown['mixed_precision']
    assert "(default: '1000')" in shown['print_every']
    assert '(default: none, different every run)' in ' '.join(shown['seed'].split())
    shown = entries(helps['mnist_lenet5_backward.py', '--help'])[
        os.path.join(ROOT, 'mnist_lenet5_backward.py')]
    assert "(default: '100')" in shown['print_every'] and "(default: 'sgd')" in shown['optimizer']


def test_helpfull_stays_absls(helps):
    full = entries(helps['mnist_backward.py', '--helpfull'])
    assert {'absl.app', 'absl.logging', 'absl.flags'} <= set(full)
    assert 'helpfull' in full['absl.app'] and 'flagfile' in full['absl.flags']
    assert 'steps' in full['mnist_lib.cli']


def test_the_other_helps_end_with_status_0_too(helps):
    """absl's --helpshort and -? are --help, and --helpxml is --helpfull as XML: each ended
    with status 1, so `python mnist_app.py --help && ...` stopped there."""
    runs = {option: subprocess.Popen(
        [sys.executable, os.path.join(ROOT, 'mnist_app.py'), option], cwd=ROOT,
        env=script_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for option in ('--helpshort', '-?', '--helpxml')}
    for option, proc in runs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0 and stderr == '', (option, proc.returncode, stderr)
        if option == '--helpxml':
            assert stdout.startswith('<?xml') and '<name>fc_size</name>' in stdout, stdout[:300]
        else:
            assert stdout == helps['mnist_app.py', '--help'], option
