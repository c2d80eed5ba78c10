"""The READMEs' set-up lines: the same in both languages, and the first one works as written.

The Linux line is run literally, in a copy of the project, with Debian's own python3 and a
PATH of /usr/bin:/bin, as a new user on a stock system runs it; it fetches TensorFlow from
PyPI into a fresh virtual environment (pip's cache makes later runs quicker).
"""
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

README = os.path.join(ROOT, 'README.md')
README_ZH = os.path.join(ROOT, 'README.zh-CN.md')
DEBIAN_PYTHON = '/usr/bin/python3'
SHORTER = ' --steps 200'  # appended to the README's train line: the notes' 50000 steps are long
LOSS = r'^After 200 training step\(s\), loss on training batch is [0-9.e+-]+\.$'
# What a user's shell hands on to pip besides PATH: a home for its cache, proxies, certificates.
PASSED_ON = re.compile(r'^(HOME|LANG|LC_ALL|TMPDIR|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE'
                       r'|PIP_\w+|(?i:(http|https|no|all)_proxy))$')


def commands(path):
    """Every command the file shows: the lines of its code blocks and its inline code spans."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    found = []
    prose = []
    for line in text.splitlines():
        if line.startswith('    ') and line.strip():  # an indented code block (also in a list)
            found.append(line.strip())
        else:
            prose.append(line)
    spans = re.findall(r'`([^`]+)`', '\n'.join(prose))
    found += [' '.join(span.split()) for span in spans]
    return found


def setup_lines(path):
    return {c for c in commands(path) if re.search(r'pip install -r requirements[\w-]*\.txt', c)}


def apt_lines(path):
    return {c for c in commands(path) if 'apt-get install' in c}


def test_setup_lines_are_the_same_in_both_readmes():
    english, chinese = setup_lines(README), setup_lines(README_ZH)
    assert english, 'README.md shows no line that installs requirements*.txt'
    assert any('requirements-test.txt' in line for line in english)
    assert english == chinese, ('only in README.md: %s; only in README.zh-CN.md: %s'
                                % (sorted(english - chinese), sorted(chinese - english)))
    assert apt_lines(README), 'README.md shows no apt-get line'
    assert apt_lines(README) == apt_lines(README_ZH)


def test_ci_runs_the_readmes_linux_test_line():
    """.ci/run's last line is the README's Linux test command, word for word."""
    tests = [c for c in commands(README) if c.startswith('python3 -m venv')
             and c.endswith('python -m pytest -q tests')]
    assert len(tests) == 1, tests
    with open(os.path.join(ROOT, '.ci', 'run'), encoding='utf-8') as f:
        assert f.read().rstrip().splitlines()[-1] == tests[0]


def linux_train_line():
    lines = [c for c in commands(README)
             if c.startswith('python3 -m venv') and 'requirements.txt' in c
             and c.endswith('python mnist_backward.py')]
    assert len(lines) == 1, lines
    return lines[0]


def copy_of_project(target):
    """The project's files as a checkout has them: no .venv, nothing in data/ or model/."""
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, listed.split('\0')):
        top = name.split('/')[0]
        if top == '.venv' or (top in ('data', 'model') and not name.endswith('.gitkeep')):
            continue
        source = os.path.join(ROOT, name)
        if os.path.isfile(source):  # listed by git but deleted in the tree: not there
            os.makedirs(os.path.join(target, os.path.dirname(name)), exist_ok=True)
            shutil.copy2(source, os.path.join(target, name))


def user_env():
    env = {k: v for k, v in os.environ.items() if PASSED_ON.match(k)}
    env['PATH'] = '/usr/bin:/bin'
    for name in ('MNIST_MIRROR', 'CI'):  # conftest made the mirror's path absolute
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def debian_python_or_skip(tmp_path):
    """Debian's python3 must make a virtual environment; outside CI, say why it cannot."""
    why = None
    if not os.path.exists(DEBIAN_PYTHON):
        why = '%s does not exist' % DEBIAN_PYTHON
    else:
        probe = subprocess.run([DEBIAN_PYTHON, '-m', 'venv', str(tmp_path / 'probe')],
                               env=user_env(), capture_output=True, text=True)
        if probe.returncode != 0:
            why = ('%s -m venv fails (%s); install python3-venv: sudo apt-get install -y '
                   'python3-venv' % (DEBIAN_PYTHON, (probe.stderr.strip().splitlines()
                                                    or ['no message'])[-1]))
    if why and os.environ.get('CI'):
        pytest.fail(why)
    if why:
        pytest.skip(why)


def test_readme_linux_line_trains_on_debian_python(tmp_path):
    debian_python_or_skip(tmp_path)
    project = tmp_path / 'project'
    copy_of_project(str(project))
    assert not (project / '.venv').exists() and not (project / 'model' / 'checkpoint').exists()
    result = subprocess.run(['/bin/sh', '-c', linux_train_line() + SHORTER], cwd=str(project),
                            env=user_env(), capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(LOSS, result.stdout, re.M), result.stdout[-3000:]
    assert re.search(r'^Reached 200 steps; the model is in .*model\.$', result.stdout, re.M)
    assert (project / 'model' / 'checkpoint').is_file()
    assert (project / 'model' / 'mnist_model-200.index').is_file()
    # The environment was made from Debian's python3 and TensorFlow went into it.
    with open(project / '.venv' / 'pyvenv.cfg') as f:
        assert 'home = /usr/bin' in f.read()
    assert list((project / '.venv' / 'lib').glob('python3*/site-packages/tensorflow'))
