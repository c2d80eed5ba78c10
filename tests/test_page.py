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


def test_photo_upload(page):
    until_answered(page, lambda: page.set_input_files('#photo', PIC[3]))
    assert shown(page) == ('3', 10, 1)


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
