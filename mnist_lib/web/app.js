// The drawing page: draw on #pad (pointer events: mouse, pen, touch), and after each stroke
// the picture goes to POST /predict; the answer, ten bars per digit and the 28x28 inputs the
// network saw come back. No build step, no library.
'use strict';

const pad = document.getElementById('pad');
const ink = pad.getContext('2d');
const $ = (id) => document.getElementById(id);
const PEN = 18 / 280;          // stroke width as a share of the pad's height (MNIST-like)
let strokes = [];              // each stroke: [[x, y], ...] in canvas pixels
let drawing = null;            // the stroke being drawn, by one pointer (a second finger is
let pointer = null;            // ... ignored, not joined to it), and that pointer's id
let sent = 0;                  // numbers the requests; an answer to an older one is dropped
let photo = null;              // the photo last read (read again when the model changes)

function redraw() {
  ink.fillStyle = '#fff';
  ink.fillRect(0, 0, pad.width, pad.height);
  ink.strokeStyle = '#000';
  ink.fillStyle = '#000';
  ink.lineWidth = PEN * pad.height;
  ink.lineCap = 'round';
  ink.lineJoin = 'round';
  for (const stroke of strokes) {
    ink.beginPath();
    ink.moveTo(stroke[0][0], stroke[0][1]);
    for (const [x, y] of stroke.slice(1)) ink.lineTo(x, y);
    if (stroke.length === 1) ink.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
    ink.stroke();
  }
}

function at(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * pad.width / box.width,
          (event.clientY - box.top) * pad.height / box.height];
}

pad.addEventListener('pointerdown', (event) => {
  event.preventDefault();
  if (drawing || event.button !== 0) return;  // a second finger, a right or middle button
  pad.setPointerCapture(event.pointerId);
  pointer = event.pointerId;
  if (photo) forget();  // the pad, not the photo, is read from now on
  drawing = [at(event)];
  strokes.push(drawing);
  redraw();
});
pad.addEventListener('pointermove', (event) => {
  if (!drawing || event.pointerId !== pointer) return;
  event.preventDefault();
  drawing.push(at(event));
  redraw();
});
function endStroke(event) {
  if (!drawing || event.pointerId !== pointer) return;
  event.preventDefault();
  drawing = null;
  sendPad();
}
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);

function sendPad() {
  const mine = ++sent;  // now: a Clear or Undo before the picture is made cancels it
  pad.toBlob((blob) => post(blob, mine), 'image/png');
}

function forget() {  // no answer stands for what the pad no longer shows
  photo = null;
  sent++;
  clearAnswer();
}

function showError(text) {
  $('error').textContent = text;
  $('error').hidden = !text;
}

function clearAnswer() {
  $('answer').textContent = '';
  $('notice').hidden = true;
  $('probabilities').replaceChildren();
  $('seen').replaceChildren();
  showError('');
}

async function post(body, mine = ++sent) {
  if (mine !== sent) return;
  const url = '/predict?model=' + encodeURIComponent($('model').value || 'mlp') +
              '&number=' + ($('number').checked ? '1' : '0');
  let reply;
  let answer;
  try {
    reply = await fetch(url, {method: 'POST', body: body,
                              headers: {'Content-Type': body.type || 'application/octet-stream'}});
    answer = await reply.json();
  } catch (error) {
    if (mine === sent) {
      clearAnswer();
      showError('The server did not answer (' + error.message + ').');
    }
    return;
  }
  if (mine !== sent) return;
  if (!reply.ok) {
    clearAnswer();
    showError(answer.error || ('The server said ' + reply.status + '.'));
  } else {
    show(answer);
  }
}

function show(answer) {
  showError('');
  $('answer').textContent = answer.not_a_number ? 'not a number' :
    answer.not_a_digit ? 'not a digit' : answer.number;
  $('notice').textContent = answer.notice || '';
  $('notice').hidden = !answer.notice;
  const bars = [];
  answer.probabilities.forEach((row, k) => {
    const group = document.createElement('div');
    group.className = 'group';
    const said = answer.not_a_digit ? 'not a digit' : answer.digits[k];
    group.setAttribute('aria-label', 'digit ' + (k + 1) + ': ' + said);
    row.forEach((p, digit) => {
      const bar = document.createElement('div');
      bar.className = 'bar' + (digit === answer.digits[k] ? ' best' : '');
      bar.innerHTML = '<span></span><span class="track"><span class="fill"></span></span>' +
                      '<span></span>';
      bar.children[0].textContent = digit;
      bar.querySelector('.fill').style.width = (100 * p).toFixed(1) + '%';
      bar.children[2].textContent = (100 * p).toFixed(1) + '%';
      bar.dataset.digit = digit;
      bar.dataset.p = p;
      group.appendChild(bar);
    });
    bars.push(group);
  });
  $('probabilities').replaceChildren(...bars);
  $('seen').replaceChildren(...answer.inputs.map((src, k) => {
    const img = document.createElement('img');
    img.src = src;
    img.alt = '28x28 input ' + (k + 1) + ' (read as ' +
              (answer.not_a_digit ? 'not a digit' : answer.digits[k]) + ')';
    return img;
  }));
}

$('clear').addEventListener('click', () => { strokes = []; redraw(); forget(); });
$('undo').addEventListener('click', () => {
  strokes.pop();
  redraw();
  if (strokes.length) sendPad(); else forget();
});
$('number').addEventListener('change', () => {
  pad.width = $('number').checked ? 560 : 280;
  pad.classList.toggle('wide', $('number').checked);
  strokes = [];
  redraw();
  forget();
});
$('model').addEventListener('change', () => {
  if (strokes.length) sendPad(); else if (photo) post(photo); else forget();
});
function readPhoto(file) {  // the pad is cleared: the answer is the photo's alone
  strokes = [];
  drawing = null;
  redraw();
  photo = file;
  post(file);
  showPhoto(file);
}

async function showPhoto(file) {  // the photo on the pad, fitted, until the next stroke
  let shown;
  try {
    shown = await createImageBitmap(file);
  } catch (error) {
    return;  // one the browser cannot show (the server may still read it)
  }
  if (photo !== file || strokes.length) return;  // drawn on or replaced meanwhile
  const scale = Math.min(pad.width / shown.width, pad.height / shown.height);
  const [w, h] = [shown.width * scale, shown.height * scale];
  ink.drawImage(shown, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
}
$('photo').addEventListener('change', () => {
  const file = $('photo').files[0];
  if (file) readPhoto(file);
  $('photo').value = '';
});
for (const name of ['dragenter', 'dragover']) {
  document.addEventListener(name, (event) => { event.preventDefault(); pad.classList.add('drop'); });
}
document.addEventListener('dragleave', () => pad.classList.remove('drop'));
document.addEventListener('drop', (event) => {
  event.preventDefault();
  pad.classList.remove('drop');
  const file = event.dataTransfer.files[0];
  if (file) readPhoto(file);
});

async function loadModels() {
  const kept = $('model').value;
  try {
    const list = (await (await fetch('/models')).json()).models;
    $('model').replaceChildren(...list.map((m) => {
      const option = document.createElement('option');
      option.value = m.name;
      option.textContent = m.trained ? (m.name === 'mlp' ? 'MLP (lesson 5)' : 'LeNet-5 (lesson 7)')
                                     : m.name + ' – ' + m.hint;
      option.disabled = !m.trained;
      return option;
    }));
    const chosen = list.find((m) => m.trained && m.name === kept) || list.find((m) => m.trained);
    if (chosen) $('model').value = chosen.name;
  } catch (error) {
    showError('Could not list the models (' + error.message + ').');
  }
}

// Back from the terminal where a model was being trained: list the models again, so that
// one trained meanwhile can be chosen without reloading the page.
window.addEventListener('focus', () => {
  if ([...$('model').options].some((option) => option.disabled)) loadModels();
});

redraw();
loadModels();
