"""The drawing page in a real browser: Debian's Chromium driven by Playwright.

Run alone with `python -m pytest -q tests/test_page.py` (apt-get install chromium, pip install
playwright; never `playwright install`). Outside CI (no CI variable), on a machine without
Chromium or Playwright, these tests skip and say how to install them; in CI they fail. A
browser that is there but cannot start fails them everywhere.
"""
import importlib.util
import os

import pytest

from conftest import PIC

CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
INSTALL = ('Chromium: sudo apt-get install -y chromium (Debian, needs root; on Ubuntu, whose '
           'chromium is a snap, or elsewhere set CHROMIUM to a Chromium or Chrome); '
           'Playwright: pip install playwright (never `playwright install`)')


def missing():
    """What the browser tests need and this machine lacks, in words ('' when nothing)."""
    lacks = []
    if importlib.util.find_spec('playwright') is None:
        lacks.append('Playwright is not installed')
    if not os.path.isfile(CHROMIUM):
        lacks.append('no Chromium at %s' % CHROMIUM)
    return '; '.join(lacks)


if missing():
    if not os.environ.get('CI'):
        pytest.skip('browser tests: %s. To run them: %s.' % (missing(), INSTALL),
                    allow_module_level=True)
    pytest.fail('browser tests in CI: %s. Install: %s.' % (missing(), INSTALL), pytrace=False)

# Strokes on the 280x280 pad, in pad pixels.
STROKES = {
    '1': [[(140, 40), (140, 240)]],
    '7': [[(70, 50), (210, 50), (120, 240)]],
    '0': [[(140, 40), (80, 80), (70, 150), (90, 220), (140, 245), (190, 220), (210, 150),
           (200, 80), (140, 40)]],
}


@pytest.fixture(scope='module')
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        pytest.fail('Playwright is missing (pip install playwright): %s' % e)
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=['--no-sandbox'])
        except Exception as e:  # the reason, not a skip: see the module's docstring
            pytest.fail('cannot start Chromium at %s (apt-get install chromium): %s'
                        % (CHROMIUM, str(e).splitlines()[0]))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, url):
    page = browser.new_page(viewport={'width': 800, 'height': 1000})
    page.goto(url)
    page.wait_for_selector('#model option', state='attached')
    yield page
    page.close()


# The test's own marker (app.js has none): true once the page shows the next answer or error.
WATCH = """() => {
  window.answeredForTest = false;
  new MutationObserver((changes, observer) => {
    observer.disconnect();
    window.answeredForTest = true;
  }).observe(document.querySelector('main'),
             {subtree: true, childList: true, characterData: true, attributeFilter: ['hidden']});
}"""


def until_answered(page, action):
    """Does `action` and waits until the page has shown what the server answered."""
    page.evaluate(WATCH)
    action()
    page.wait_for_function('window.answeredForTest', timeout=30000)


def draw(page, strokes, dx=0):
    box = page.locator('#pad').bounding_box()
    scale = box['height'] / 280.0

    def stroke_with_mouse(stroke):
        x, y = stroke[0]
        page.mouse.move(box['x'] + (x + dx) * scale, box['y'] + y * scale)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box['x'] + (x + dx) * scale, box['y'] + y * scale, steps=6)
        page.mouse.up()

    for stroke in strokes:
        until_answered(page, lambda: stroke_with_mouse(stroke))


def shown(page):
    bars = page.locator('#probabilities .bar')
    return (page.inner_text('#answer'), bars.count(),
            page.locator('#seen img').count())


@pytest.mark.parametrize('digit', sorted(STROKES))
def test_drawn_digits(page, digit):
    draw(page, STROKES[digit])
    answer, bars, seen = shown(page)
    assert (answer, bars, seen) == (digit, 10, 1)
    assert page.locator('#seen img').get_attribute('src').startswith('data:image/png;base64,')
    assert page.is_hidden('#error')


def test_no_digit_drawn_says_so_and_still_shows_what_the_network_saw(page):
    draw(page, [[(50, 140), (230, 140)]])  # a dash
    assert shown(page) == ('not a digit', 10, 1)
    assert page.locator('#probabilities .group').get_attribute('aria-label') == (
        'digit 1: not a digit')
    assert page.is_hidden('#notice') and page.is_hidden('#error')


def test_two_digit_number(page):
    page.check('#number')
    assert page.evaluate('document.getElementById("pad").width') == 560
    draw(page, STROKES['1'], dx=40)
    draw(page, STROKES['7'], dx=260)
    assert page.is_hidden('#error'), page.inner_text('#error')
    answer, bars, seen = shown(page)
    assert (answer, bars, seen) == ('17', 20, 2)


def test_a_photo_of_a_number_read_as_one_digit_says_to_tick_number(page, tmp_path):
    from PIL import Image, ImageDraw
    photo = Image.new('L', (560, 280), 255)
    for digit, dx in (('1', 40), ('7', 260)):
        for stroke in STROKES[digit]:
            ImageDraw.Draw(photo).line([(x + dx, y) for x, y in stroke], fill=0, width=14)
    photo.save(tmp_path / '17.png')
    until_answered(page, lambda: page.set_input_files('#photo', str(tmp_path / '17.png')))
    assert page.inner_text('#answer') == 'not a digit'
    assert page.is_visible('#notice')
    assert page.inner_text('#notice') == 'A number? Tick "number" to read several digits.'


# How many of the pad's pixels are dark (the photo shown on it, or strokes).
DARK_ON_PAD = """() => {
  const pad = document.getElementById('pad');
  const data = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;
  let dark = 0;
  for (let k = 0; k < data.length; k += 4) if (data[k] < 128) dark++;
  return dark;
}"""


def test_photo_upload(page):
    until_answered(page, lambda: page.set_input_files('#photo', PIC[3]))
    assert shown(page) == ('3', 10, 1)
    # The photo is shown on the pad (it was left blank: what was read could not be seen),
    # until the next stroke, which starts a drawing of its own.
    page.wait_for_function('(%s)() > 1000' % DARK_ON_PAD, timeout=10000)
    with_photo = page.evaluate(DARK_ON_PAD)
    draw(page, STROKES['1'])
    after_photo = page.evaluate(DARK_ON_PAD)
    page.click('#clear')
    draw(page, STROKES['1'])
    assert after_photo == page.evaluate(DARK_ON_PAD) != with_photo
    assert page.inner_text('#answer') == '1'


def test_undo_and_clear(page):
    draw(page, STROKES['1'])
    first = page.inner_text('#answer')
    draw(page, [[(60, 200), (230, 200)]])  # a second stroke changes the picture
    until_answered(page, lambda: page.click('#undo'))
    assert page.inner_text('#answer') == first == '1'
    page.click('#clear')
    assert shown(page) == ('', 0, 0)
    blank = page.evaluate('''() => {
        const pad = document.getElementById('pad');
        const px = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;
        return px.every((v) => v === 255); }''')
    assert blank


def settled(page):
    """Waits for the pictures being made (toBlob) and every /predict request sent to finish."""
    page.evaluate('() => new Promise((done) => setTimeout(done, 300))')
    page.wait_for_function('() => window.inFlightForTest === 0', timeout=30000)
    page.evaluate('() => new Promise((done) => setTimeout(done, 100))')


COUNT = """() => {
  window.inFlightForTest = 0;
  const fetched = window.fetch;
  window.fetch = async (...args) => {
    window.inFlightForTest++;
    try { return await fetched(...args); } finally { window.inFlightForTest--; }
  };
}"""


def test_undo_or_clear_at_once_after_a_stroke_leaves_no_answer(page):
    """The request's number was taken when the picture was made, after a Clear or the last
    Undo that came first: the answer to the pad as it was then showed on the empty pad."""
    page.evaluate(COUNT)
    draw(page, STROKES['7'])
    draw(page, STROKES['1'])
    page.dblclick('#undo')  # the first Undo sends the 7, the second empties the pad
    settled(page)
    assert shown(page) == ('', 0, 0)
    draw(page, STROKES['1'])
    page.evaluate('''() => {  // a stroke's end, and Clear in the same moment
        const pad = document.getElementById('pad');
        const box = pad.getBoundingClientRect();
        for (const type of ['pointerdown', 'pointerup']) {
          pad.dispatchEvent(new PointerEvent(type, {pointerId: 1, button: 0, bubbles: true,
            clientX: box.left + 60, clientY: box.top + 140}));
        }
        document.getElementById('clear').click(); }''')
    settled(page)
    assert shown(page) == ('', 0, 0)


def test_a_photo_is_read_again_by_the_model_chosen_after_it(page):
    draw(page, STROKES['7'])
    until_answered(page, lambda: page.set_input_files('#photo', PIC[3]))
    assert page.evaluate('strokes.length') == 0  # the pad no longer shows the 7 beside it
    with page.expect_request(lambda request: 'model=lenet5' in request.url):
        until_answered(page, lambda: page.select_option('#model', 'lenet5'))
    assert shown(page) == ('3', 10, 1)


def test_a_second_finger_is_not_joined_to_the_first_ones_stroke(browser, url):
    context = browser.new_context(viewport={'width': 400, 'height': 900}, has_touch=True)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector('#model option', state='attached')
    touch = context.new_cdp_session(page)
    box = page.locator('#pad').bounding_box()

    def fingers(kind, *points):
        touch.send('Input.dispatchTouchEvent', {'type': kind, 'touchPoints': [
            {'id': k, 'x': box['x'] + x * box['width'] / 280,
             'y': box['y'] + y * box['height'] / 280} for k, (x, y) in points]})
    fingers('touchStart', (0, (140, 40)))
    fingers('touchStart', (0, (140, 40)), (1, (230, 40)))
    for y in range(60, 260, 20):
        fingers('touchMove', (0, (140, y)), (1, (230, y)))
    fingers('touchEnd', (0, (140, 240)))
    until_answered(page, lambda: fingers('touchEnd'))
    lengths = page.evaluate('strokes.map((stroke) => stroke.length)')
    assert len(lengths) == 1 and lengths[0] > 5, lengths  # the first finger's stroke alone
    assert page.evaluate('strokes[0].every(([x]) => Math.abs(x - strokes[0][0][0]) < 5)')
    assert page.inner_text('#answer') == '1'
    context.close()


def test_a_model_trained_while_the_page_is_open_can_be_chosen(browser, mlp_dir, models_dir,
                                                              running, tmp_path):
    """Back on the page from the terminal where LeNet-5 was trained: its entry, 'not
    trained yet', becomes LeNet-5 and reads, without a reload."""
    from test_server import saved_as_a_trainer_saves, start
    saved_as_a_trainer_saves(mlp_dir, tmp_path)
    server, url = start(running, tmp_path)
    page = browser.new_page(viewport={'width': 800, 'height': 1000})
    page.goto(url)
    page.wait_for_selector('#model option', state='attached')
    assert page.is_disabled('#model option[value=lenet5]')
    draw(page, STROKES['7'])
    saved_as_a_trainer_saves(models_dir / 'lenet5', tmp_path / 'lenet5')
    page.evaluate("window.dispatchEvent(new Event('focus'))")  # back from the terminal
    page.wait_for_function(
        "!document.querySelector('#model option[value=lenet5]').disabled", timeout=30000)
    assert page.input_value('#model') == 'mlp'  # the choice is kept
    assert page.inner_text('#model option[value=lenet5]') == 'LeNet-5 (lesson 7)'
    with page.expect_request(lambda request: 'model=lenet5' in request.url):
        until_answered(page, lambda: page.select_option('#model', 'lenet5'))
    assert shown(page) == ('7', 10, 1)
    page.close()
    server.kill()


def test_a_failing_request_shows_the_error(page, tmp_path):
    (tmp_path / 'notes.txt').write_text('not a picture')
    page.set_input_files('#photo', str(tmp_path / 'notes.txt'))
    page.wait_for_selector('#error', state='visible')
    assert 'not a picture' in page.inner_text('#error')
    assert page.inner_text('#answer') == ''


def test_phone_width_and_labels(browser, url):
    page = browser.new_page(viewport={'width': 360, 'height': 740})
    page.goto(url)
    assert page.evaluate('document.documentElement.scrollWidth') <= 360
    for control in ('#model', '#number', '#photo', '#clear', '#undo', '#pad'):
        label = page.evaluate('''(sel) => { const e = document.querySelector(sel);
            return e.getAttribute('aria-label') || (e.labels && e.labels.length ?
                e.labels[0].textContent : e.textContent); }''', control)
        assert label.strip(), control
    assert page.evaluate('getComputedStyle(document.getElementById("pad")).touchAction') == 'none'
    page.close()
