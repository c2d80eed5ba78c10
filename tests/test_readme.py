"""The READMEs, as a student copies from them: the set-up lines are the same in both languages
and the first one works as written; every course command is one the script takes, in both.

The Linux line is run literally, in a copy of the project, with Debian's own python3 and a
PATH of /usr/bin:/bin, as a new user on a stock system runs it; it fetches TensorFlow from
PyPI into a fresh virtual environment (pip's cache makes later runs quicker). The other
commands are parsed by the scripts' own flags (absl), not run: a watcher must stop where its
trainer does, a URL with a query must be quoted, a Windows user must be able to paste them,
and the Chinese README must hold every lesson's commands.
"""
import ast
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, script_env

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
    return found + spans('\n'.join(prose))


def spans(prose):
    """The inline code spans of `prose`, each on one line."""
    return [' '.join(span.split()) for span in re.findall(r'`([^`]+)`', prose)]


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


# ------------------------------------------------------------ the commands a student copies

SCRIPTS = ['mnist_backward.py', 'mnist_test.py', 'mnist_lenet5_backward.py',
           'mnist_lenet5_test.py', 'mnist_app.py', 'mnist_generateds.py']
TRAINERS = {'mnist_backward.py': 'mnist_test.py',  # a trainer: its watcher
            'mnist_lenet5_backward.py': 'mnist_lenet5_test.py'}
READMES = [README, README_ZH]
# Parses each command line given as the script itself would (absl, its own flags), without
# running it: app.run is replaced, so the script defines its flags and hands over its main().
PARSE = r'''
import json, runpy, sys
from absl import app, flags
script, lines = sys.argv[1], json.loads(sys.argv[2])

def parse_each(main, *args, **kwargs):
    app.define_help_flags()
    names = [f.name for f in flags.FLAGS.get_key_flags_for_module(script)]
    found = []
    for line in lines:
        flags.FLAGS.unparse_flags()
        try:
            rest = flags.FLAGS([script] + line)
        except flags.Error as e:
            found.append({'error': str(e)})
            continue
        found.append({'args': rest[1:], 'flags': {n: flags.FLAGS[n].value for n in names}})
    print(json.dumps(found))
    sys.exit(0)

app.run = parse_each
sys.argv = [script]
runpy.run_path(script, run_name='__main__')
'''


def code_lines(path):
    """The lines of the file's indented code blocks, a line continued with ` \\` joined to the
    next, a shell prompt `$ ` taken off."""
    with open(path, encoding='utf-8') as f:
        lines = [line.strip() for line in f.read().splitlines()
                 if line.startswith('    ') and line.strip()]
    joined = []
    for line in lines:
        if joined and joined[-1].endswith('\\'):
            joined[-1] = joined[-1][:-1] + ' ' + line
        else:
            joined.append(line)
    return [line[2:] if line.startswith('$ ') else line for line in joined]


def shown(path):
    """The code blocks' lines (code_lines) and the inline code spans: what a student copies."""
    with open(path, encoding='utf-8') as f:
        prose = [line for line in f.read().splitlines()
                 if not (line.startswith('    ') and line.strip())]
    return code_lines(path) + spans('\n'.join(prose))


def script_runs(texts):
    """[(the text, script, its arguments)] for every course script the texts run: `python
    X.py ...` (also after `&&`) and a notebook's `%run X.py ...`; comments dropped."""
    runs = []
    for text in texts:
        for part in text.split('&&'):
            if not re.match(r'(python3? |%run )', part.strip()):
                continue
            words = shlex.split(part.strip(), comments=True)
            if len(words) >= 2:
                if words[1] == '-m':
                    assert words[2] in ('venv', 'pytest', 'pip'), text
                    continue
                runs.append((text, words[1], words[2:]))
    return runs


@pytest.fixture(scope='module')
def parsed():
    """{(script, arguments): what absl made of them} for every run in both READMEs, parsed by
    the script's own flags: one process per script, side by side."""
    wanted = {}
    for path in READMES:
        for _, script, args in script_runs(shown(path)):
            if script in SCRIPTS and args not in wanted.setdefault(script, []):
                wanted[script].append(args)
    procs = {script: subprocess.Popen(
        [sys.executable, '-c', PARSE, os.path.join(ROOT, script), json.dumps(lines)], cwd=ROOT,
        env=script_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for script, lines in wanted.items()}
    found = {}
    for script, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        for args, result in zip(wanted[script], json.loads(out.strip().splitlines()[-1])):
            found[script, tuple(args)] = result
    return found


def runs_of(path, parsed):
    """[(text, script, positional arguments, every flag's value)] of the README's runs."""
    runs = []
    for text, script, args in script_runs(shown(path)):
        assert script in SCRIPTS, '%s: `%s` runs no course script' % (os.path.basename(path), text)
        result = parsed[script, tuple(args)]
        assert 'error' not in result, '%s: `%s`: %s' % (os.path.basename(path), text,
                                                        result['error'])
        runs.append((text, script, result['args'], result['flags']))
    return runs


@pytest.mark.parametrize('path', READMES, ids=os.path.basename)
def test_every_python_command_names_a_script_and_flags_that_exist(path, parsed):
    """Every `python X.py ...` in a code block or inline: a course script, each flag one it
    defines with a value it takes (runs_of), and pictures only for the app."""
    runs = runs_of(path, parsed)
    assert {script for _, script, _, _ in runs} == set(SCRIPTS)
    for text, script, args, _ in runs:
        # Only the app takes arguments (pictures); the others stop at any (cli.run).
        assert script == 'mnist_app.py' or not args, '`%s`: %s is no flag' % (text, args)


def folder(script, values):
    """The model folder a run of `script` trains, watches or reads, as an absolute path."""
    if script == 'mnist_app.py' and not values['model_dir']:
        lenet5 = values['model'] == 'lenet5'
        return os.path.join(ROOT, 'model', 'lenet5') if lenet5 else os.path.join(ROOT, 'model')
    return os.path.normpath(os.path.join(ROOT, values['model_dir']))


@pytest.mark.parametrize('path', READMES, ids=os.path.basename)
def test_a_watcher_and_the_app_are_given_what_their_trainer_was(path, parsed):
    """A watcher (not --once) stops after the checkpoint of its --steps: the trainer's, or it
    waits for ever; watcher and app must build LeNet-5 with the trainer's --fc_size."""
    runs = runs_of(path, parsed)
    trained = {}
    for text, script, _, values in runs:
        if script in TRAINERS:
            trained.setdefault((TRAINERS[script], folder(script, values)), []).append(
                (text, values))
    deep = [text for (watcher, _), trainers in trained.items() for text, values in trainers
            if watcher == 'mnist_lenet5_test.py' and values['fc_size'] == 1024]
    assert len(deep) == 1, 'no single Deep MNIST trainer (--fc_size 1024): %s' % deep
    watched = 0
    for text, script, _, values in runs:
        if script in TRAINERS.values() and not values['once']:
            trainers = trained.get((script, folder(script, values)))
            assert trainers, '`%s` watches a folder that no command trains' % text
            for trainer, given in trainers:
                assert values['steps'] == given['steps'], (
                    '`%s` stops at step %d, but `%s` trains to %d'
                    % (text, values['steps'], trainer, given['steps']))
                if 'fc_size' in given:
                    assert values['fc_size'] == given['fc_size'], (text, trainer)
            watched += 1
        if script == 'mnist_app.py' and values['model'] == 'lenet5':
            for trainer, given in trained.get(('mnist_lenet5_test.py', folder(script, values)),
                                              []):
                assert values['fc_size'] == given['fc_size'], (text, trainer)
    assert watched >= 3, 'the MLP, LeNet-5 and Deep MNIST are not each watched'


@pytest.mark.parametrize('path', READMES, ids=os.path.basename)
def test_urls_with_a_query_are_quoted(path):
    """bash sends a command to the background at an unquoted `&`, zsh stops at `?`."""
    for text in shown(path):
        for quote, url in re.findall(r'''(["']?)(https?://[^\s"'`]+)''', text):
            assert quote or not re.search(r'[?&]', url), '`%s`: quote %s' % (text, url)


@pytest.mark.parametrize('path', READMES, ids=os.path.basename)
def test_commands_copy_into_windows_shells(path):
    """cmd and PowerShell know no trailing `\\`; in PowerShell `curl` is Invoke-WebRequest and
    an unquoted `@` is its own syntax."""
    with open(path, encoding='utf-8') as f:
        continued = [line for line in f.read().splitlines()
                     if line.startswith('    ') and line.rstrip().endswith('\\')]
    assert not continued, continued
    curl_exe = [text for text in code_lines(path) if text.startswith('curl.exe ')]
    assert curl_exe, 'no curl.exe line for Windows'
    for text in curl_exe:
        assert not re.search(r'(^|\s)@', text), '`%s`: quote the @ argument' % text


def test_the_chinese_readme_has_every_lessons_commands():
    """A reader of Chinese alone can follow every lesson: each script is run in a code block,
    and every course command of README.md's code blocks is in README.zh-CN.md's too."""
    def runs(path):
        return [(script, tuple(args)) for _, script, args in script_runs(code_lines(path))]
    chinese = runs(README_ZH)
    assert {script for script, _ in chinese} == set(SCRIPTS)
    missing = [run for run in runs(README) if run not in chinese]
    assert not missing, 'in README.md but not in README.zh-CN.md: %s' % missing


PRINTED = ('After ', 'Stopped by ', 'Resuming from ', 'Reached ', 'Serving the drawing page ',
           'Waiting for ')


def printed_formats():
    """{format: its regular expression} for every %-format string in the scripts and mnist_lib/
    that starts as a printed line quoted in a README does."""
    formats = {}
    for path in glob.glob(os.path.join(ROOT, '*.py')) + glob.glob(os.path.join(ROOT, 'mnist_lib',
                                                                              '*.py')):
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and node.value.startswith(PRINTED)):
                pieces = re.split(r'(%(?:\.\d+)?[dsgf%])', node.value)
                formats[node.value] = ''.join(
                    {'%d': r'-?\d+', '%s': r'\S.*', '%%': '%'}.get(p, r'[0-9.e+-]+')
                    if re.fullmatch(r'%(?:\.\d+)?[dsgf%]', p) else re.escape(p) for p in pieces)
    return formats


@pytest.mark.parametrize('path', READMES, ids=os.path.basename)
def test_quoted_lines_are_what_the_scripts_print(path):
    """The trainer's, the watcher's and the server's lines, as a README quotes them, fit the
    format that prints them (a path may be any path; a step is a number, not `N`)."""
    formats = printed_formats()
    assert len(formats) >= 6, formats
    quoted = [text for text in shown(path) if text.startswith(PRINTED)]
    assert len(quoted) >= 6, quoted
    for text in quoted:
        assert any(re.fullmatch(f, text) for f in formats.values()), \
            'no script prints `%s`' % text
