"""The page's CSS and the small scripts of its HTML components (Gradio's ``js_on_load``).

Colours are set in pairs for the light and the dark theme (Gradio puts ``.dark`` on the page); the
highlighted evidence row keeps a text/background contrast above 7:1 in both.
"""

CSS = """
:root {
  --bq-text: #1f2328; --bq-muted: #57606a; --bq-bg: #ffffff; --bq-soft: #f6f8fa; --bq-line: #d0d7de;
  --bq-accent: #0b5cad; --bq-accent-bg: #e7f0fb; --bq-user: #e7f0fb;
  --bq-hit-bg: #ffe08a; --bq-hit-text: #1f1a00; --bq-cited-bg: #fff5cc; --bq-cited-text: #1f1a00;
  --bq-hit-cell: #ffc933; --bq-bar: #4a8fd9; --bq-warn-bg: #fff4e5; --bq-warn-text: #5c3b00;
  --bq-err: #b42318; --bq-add-bg: #e6f4ea; --bq-del-bg: #fdecea;
}
.dark {
  --bq-text: #e6edf3; --bq-muted: #9da7b3; --bq-bg: #0d1117; --bq-soft: #161b22; --bq-line: #30363d;
  --bq-accent: #79b8ff; --bq-accent-bg: #13263d; --bq-user: #13263d;
  --bq-hit-bg: #6b4f00; --bq-hit-text: #fff8db; --bq-cited-bg: #3d2f05; --bq-cited-text: #fff3c4;
  --bq-hit-cell: #8a6700; --bq-bar: #3b78c2; --bq-warn-bg: #3a2a10; --bq-warn-text: #ffe2b3;
  --bq-err: #ff8a80; --bq-add-bg: #12301c; --bq-del-bg: #3b1616;
}
footer { display: none !important; }
.gradio-container { max-width: 1400px !important; }
#app-head h1 { font-size: 1.35rem; margin: 0; color: var(--bq-text); }
#app-head p { margin: .2rem 0 0; color: var(--bq-muted); font-size: .9rem; }
#app-head .status { font-size: .85rem; margin: .3rem 0 0; }
#app-head .status.running::before { content: ""; display: inline-block; width: .6em; height: .6em;
  margin-right: .4em; border-radius: 50%; background: var(--bq-accent); animation: bq-pulse 1.2s ease-in-out infinite; }
@keyframes bq-pulse { 0%, 100% { opacity: .25; } 50% { opacity: 1; } }

/* the conversation */
#chat-log { --log-h: min(62vh, 620px); }
#chat-log .log:not(.empty)::after { content: ""; display: block; height: calc(var(--log-h) - 9rem); }
#chat-log .log { height: var(--log-h); overflow-y: auto; position: relative; padding: .5rem;
  border: 1px solid var(--bq-line); border-radius: 10px; background: var(--bq-bg); color: var(--bq-text);
  overscroll-behavior: contain; }
#chat-log .log.empty { height: auto; min-height: 8rem; }
#chat-log .hint { color: var(--bq-muted); margin: .5rem; }
.msg { display: flex; margin: .5rem 0; }
.msg.user { justify-content: flex-end; }
.msg .bubble { max-width: 100%; padding: .6rem .8rem; border-radius: 10px; line-height: 1.6;
  overflow-wrap: anywhere; min-width: 0; }
.msg.user .bubble { background: var(--bq-user); color: var(--bq-text); max-width: 85%; }
.msg.bot .bubble { background: var(--bq-soft); color: var(--bq-text); border: 1px solid var(--bq-line); width: 100%; }
.msg.notice .bubble, .msg.limit .bubble { background: var(--bq-warn-bg); color: var(--bq-warn-text); border-color: transparent; }
.msg.pending .bubble { color: var(--bq-muted); }
.msg .model-status { font-size: .85rem; margin: .2rem 0 0; }
.msg .model-status.asking { color: var(--bq-text); font-weight: 600; }
.msg .model-status .dot { display: inline-block; width: .6em; height: .6em; margin-right: .4em; border-radius: 50%;
  background: var(--bq-accent); animation: bq-pulse 1.2s ease-in-out infinite; }
.msg .model-mark { display: inline-block; font-size: .8rem; margin: .1rem 0 .4rem; padding: .05rem .5rem;
  border-radius: 999px; border: 1px solid var(--bq-line); background: var(--bq-bg); color: var(--bq-muted); }
.msg .model-mark.used, .msg .model-mark.offered { border-color: var(--bq-accent); color: var(--bq-accent); }
.msg .model-mark.used::before, .msg .model-mark.offered::before { content: "✦ "; }
.msg .caveat { font-size: .85rem; margin: .3rem 0; padding: .3rem .5rem; border-radius: 6px;
  background: var(--bq-warn-bg); color: var(--bq-warn-text); }
.msg-note { display: block; font-size: .8rem; color: var(--bq-muted); }
.msg p { margin: .2rem 0; }
.msg .scope { font-size: .85rem; color: var(--bq-muted); margin: 0 0 .2rem; }
.msg .fig { display: flex; flex-wrap: wrap; align-items: baseline; gap: .1rem .6rem; }
.msg .fig-label { font-size: 1rem; }
.msg .fig-value { font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.msg .fig-alt { font-size: .9rem; color: var(--bq-muted); }
.msg .reading { font-size: .85rem; color: var(--bq-muted); margin: .2rem 0 .4rem; }
.msg .text { margin: .3rem 0; }
.msg .text ul, .msg .text ol { margin: .2rem 0 .2rem 1.2rem; }
.chips { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin-top: .4rem; }
.chips-label { font-size: .8rem; color: var(--bq-muted); }
button.chip { display: inline-flex; align-items: center; gap: .3rem; max-width: 100%; text-align: left;
  border: 1px solid var(--bq-line); border-radius: 999px; padding: .15rem .6rem .15rem .2rem;
  background: var(--bq-bg); color: var(--bq-accent); font-size: .85rem; cursor: pointer; line-height: 1.4; }
button.chip:hover, button.chip:focus-visible { background: var(--bq-accent-bg); outline: 2px solid var(--bq-accent); }
button.chip.active { background: var(--bq-accent-bg); border-color: var(--bq-accent); }
.chip-n { display: inline-grid; place-items: center; min-width: 1.35rem; height: 1.35rem; border-radius: 999px;
  background: var(--bq-accent); color: var(--bq-bg); font-size: .75rem; font-weight: 700; flex: none; }
button.chip-row { border: none; padding: 0; background: transparent; border-radius: 4px; }
button.link { border: none; background: none; color: var(--bq-accent); cursor: pointer; padding: 0; }
.bd-scroll { overflow-x: auto; max-width: 100%; }
#chat-log table.breakdown { border-collapse: collapse; width: 100%; font-size: .92rem; margin: .3rem 0; border: 0; }
#chat-log table.breakdown tr { border: 0; }
#chat-log table.breakdown th, #chat-log table.breakdown td { padding: .2rem .4rem; border: 0;
  border-bottom: 1px solid var(--bq-line); text-align: left; color: var(--bq-text); background: transparent; }
#chat-log table.breakdown th { font-weight: 600; color: var(--bq-muted); font-size: .85rem; }
#chat-log table.breakdown .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
#chat-log table.breakdown .rank { color: var(--bq-muted); width: 2.2em; white-space: nowrap; text-align: right; }
#chat-log table.breakdown tr.total td { font-weight: 700; border-top: 2px solid var(--bq-line); }
button.row-link, button.link { box-shadow: none !important; background: transparent !important; }
button.chip, button.ask, button.finding { box-shadow: none !important; }
button.row-link { border: 0; background: none; padding: 0; color: var(--bq-accent); cursor: pointer; text-align: left;
  font-size: inherit; text-decoration: underline dotted; text-underline-offset: 3px; }
button.row-link:hover, button.row-link:focus-visible { text-decoration: underline solid; }
details.more { margin-top: .5rem; font-size: .88rem; }
details.more summary { cursor: pointer; color: var(--bq-accent); }
details.more ol, details.more ul { padding-left: 1.3rem; margin: .2rem 0; }
.options { display: flex; flex-direction: column; gap: .4rem; margin-top: .5rem; }
button.ask { text-align: left; border: 1px solid var(--bq-accent); border-radius: 8px; padding: .45rem .7rem;
  background: var(--bq-bg); color: var(--bq-accent); cursor: pointer; font-size: .95rem; }
button.ask:hover, button.ask:focus-visible { background: var(--bq-accent-bg); }
.examples { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
#under-box { align-items: center; justify-content: space-between; flex-wrap: nowrap; }
#under-box #counter { flex: 1 1 auto; }
.examples-label { font-size: .85rem; color: var(--bq-muted); white-space: nowrap; flex: none; }
.examples button.ask { font-size: .85rem; padding: .25rem .6rem; border-radius: 999px; border-color: var(--bq-line); }
#question-row { align-items: flex-end; }
#counter .count { font-size: .8rem; color: var(--bq-muted); margin: 0; }
#counter .count.over { color: var(--bq-err); font-weight: 700; }

/* what could not be read of the loaded documents */
#doc-status .doc-status { display: flex; flex-direction: column; gap: .4rem; color: var(--bq-text); }
#doc-status .doc-unread { font-size: .88rem; padding: .4rem .7rem; border-radius: 8px; border: 1px solid var(--bq-line);
  background: var(--bq-soft); }
#doc-status .doc-unread.warn { background: var(--bq-warn-bg); color: var(--bq-warn-text); border-color: transparent; }
#doc-status .doc-name { font-weight: 600; margin: 0; }
#doc-status .unread-lead { margin: .1rem 0; }
#doc-status ul { margin: .1rem 0; padding-left: 1.2rem; }
#doc-status .where { color: inherit; opacity: .85; font-size: .82rem; }
#doc-status details summary { cursor: pointer; }
#doc-status .unread-notes summary { color: var(--bq-muted); font-size: .85rem; }
#doc-status .doc-unread.warn .unread-notes summary { color: inherit; }

/* the evidence panel */
#evidence .ev-panel { color: var(--bq-text); }
#evidence .ev-empty { color: var(--bq-muted); }
#evidence .ev-title { font-size: 1.05rem; margin: .3rem 0 0; }
#evidence .ev-meta, #evidence .ev-where { font-size: .85rem; color: var(--bq-muted); margin: .15rem 0; }
#evidence .ev-where strong { color: var(--bq-text); }
#evidence .ev-missing { color: var(--bq-err); }
#evidence .ev-chips { display: flex; flex-wrap: wrap; gap: .3rem; }
#evidence .ev-nav { display: flex; align-items: center; gap: .5rem; font-size: .9rem; }
#evidence .ev-nav button { border: 1px solid var(--bq-line); border-radius: 6px; background: var(--bq-bg);
  color: var(--bq-accent); padding: .15rem .6rem; cursor: pointer; }
#evidence .ev-nav button[disabled] { color: var(--bq-muted); cursor: default; }
#evidence .ev-back { display: none; }
.ev-scroll { position: relative; overflow: auto; max-height: 460px; max-width: 100%;
  border: 1px solid var(--bq-line); border-radius: 8px; margin-top: .4rem; background: var(--bq-bg); }
:is(#evidence, #audit-findings) table.ev-table { border-collapse: separate; border-spacing: 0; font-size: 13px;
  width: max-content; min-width: 100%; margin: 0; border: 0; }
:is(#evidence, #audit-findings) table.ev-table tr { border: 0; }
:is(#evidence, #audit-findings) table.ev-table th, :is(#evidence, #audit-findings) table.ev-table td {
  padding: .3rem .5rem; border: 0; border-bottom: 1px solid var(--bq-line); background: var(--bq-bg); color: var(--bq-text); }
:is(#evidence, #audit-findings) table.ev-table thead th { position: sticky; top: 0; z-index: 2; background: var(--bq-soft);
  font-weight: 600; text-align: right; vertical-align: bottom; line-height: 1.3; }
:is(#evidence, #audit-findings) table.ev-table th.name { position: sticky; left: 0; z-index: 1; text-align: left;
  font-weight: 400; width: 13rem; min-width: 8rem; max-width: 13rem; white-space: normal; border-right: 1px solid var(--bq-line); }
:is(#evidence, #audit-findings) table.ev-table thead th.name { z-index: 3; font-weight: 600; background: var(--bq-soft); }
:is(#evidence, #audit-findings) table.ev-table td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
:is(#evidence, #audit-findings) table.ev-table .code { color: var(--bq-muted); font-size: .8em; }
:is(#evidence, #audit-findings) table.ev-table tr.cited th, :is(#evidence, #audit-findings) table.ev-table tr.cited td {
  background: var(--bq-cited-bg); color: var(--bq-cited-text); }
:is(#evidence, #audit-findings) table.ev-table tr.cited .code { color: var(--bq-cited-text); }
:is(#evidence, #audit-findings) table.ev-table tr.hit th, :is(#evidence, #audit-findings) table.ev-table tr.hit td {
  background: var(--bq-hit-bg); color: var(--bq-hit-text); font-weight: 600; }
:is(#evidence, #audit-findings) table.ev-table tr.hit .code { color: var(--bq-hit-text); }
:is(#evidence, #audit-findings) table.ev-table tr.hit td.hit-cell { background: var(--bq-hit-cell);
  box-shadow: inset 0 0 0 2px var(--bq-hit-text); }
:is(#evidence, #audit-findings) table.ev-table th.hit-col { color: var(--bq-accent); }
.ev-para { margin: .4rem 0; padding: .4rem .7rem; border-left: 4px solid var(--bq-accent); background: var(--bq-soft); color: var(--bq-text); }
.ev-para .ev-path { font-size: .8rem; color: var(--bq-muted); }
.ev-para mark { background: var(--bq-hit-bg); color: var(--bq-hit-text); }

/* the chart: one line per bar, label | bar and value; long charts scroll inside */
#chart figure.chart { margin: 0 0 .6rem; color: var(--bq-text); max-height: 340px; overflow-y: auto;
  border: 1px solid var(--bq-line); border-radius: 8px; padding: .4rem .6rem; background: var(--bq-bg); }
#chart figcaption { font-size: .85rem; color: var(--bq-muted); margin-bottom: .3rem; }
#chart .bar-row { display: grid; grid-template-columns: minmax(6rem, 38%) minmax(0, 1fr); gap: .5rem;
  align-items: center; margin: .25rem 0; }
#chart .bar-label { font-size: .82rem; line-height: 1.3; overflow-wrap: anywhere; }
#chart .bar-line { display: flex; align-items: center; gap: .35rem; min-width: 0; }
#chart .bar { display: inline-block; height: .85rem; min-width: 2px; background: var(--bq-bar); border-radius: 3px; flex: none; }
#chart .bar-value { font-size: .8rem; white-space: nowrap; font-variant-numeric: tabular-nums; font-weight: 600; }

/* staff tabs */
.findings { display: flex; flex-direction: column; gap: .5rem; color: var(--bq-text); }
.findings .summary { margin: .2rem 0; }
.findings .none { padding: .8rem; border-radius: 8px; background: var(--bq-add-bg); color: var(--bq-text); }
button.finding { display: block; width: 100%; text-align: left; padding: .6rem .7rem; cursor: pointer;
  border: 1px solid var(--bq-line); border-radius: 8px; background: var(--bq-soft); color: var(--bq-text); line-height: 1.55; }
button.finding:hover, button.finding:focus-visible, button.finding.open { border-color: var(--bq-accent); }
.finding .sev { display: inline-block; font-size: .75rem; font-weight: 700; padding: 0 .4rem; border-radius: 4px;
  margin-right: .4rem; background: var(--bq-del-bg); color: var(--bq-text); }
.finding .sev.warning { background: var(--bq-warn-bg); color: var(--bq-warn-text); }
.finding .sev.note { background: var(--bq-accent-bg); color: var(--bq-text); }
.finding .rule { font-weight: 700; }
.finding .where, .finding .cmp { display: block; font-size: .85rem; color: var(--bq-muted); }
.finding-evidence { padding: .2rem .2rem .6rem 1rem; border-left: 3px solid var(--bq-accent); }
.finding-evidence h4 { margin: .4rem 0 .1rem; font-size: .9rem; }
.draft-side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; color: var(--bq-text); }
.draft-side h3 { font-size: 1rem; margin: .2rem 0; }
.draft-text { white-space: pre-wrap; line-height: 1.7; padding: .6rem .8rem; border: 1px solid var(--bq-line);
  border-radius: 8px; background: var(--bq-bg); max-height: 70vh; overflow: auto; }
.draft-text .ph { background: var(--bq-hit-bg); color: var(--bq-hit-text); }
.draft-text .stated { text-decoration: underline dotted; }
.diff { display: flex; flex-direction: column; gap: .4rem; max-height: 70vh; overflow: auto; }
.diff .pair { border: 1px solid var(--bq-line); border-radius: 8px; padding: .4rem .6rem; font-size: .9rem; }
.diff .old { background: var(--bq-del-bg); color: var(--bq-text); padding: .1rem .3rem; border-radius: 4px; margin: .1rem 0; }
.diff .new { background: var(--bq-add-bg); color: var(--bq-text); padding: .1rem .3rem; border-radius: 4px; margin: .1rem 0; }
.diff .tag { font-size: .75rem; font-weight: 700; margin-right: .3rem; }
.copy-done { font-size: .85rem; color: var(--bq-muted); }

@media (max-width: 800px) {
  .gradio-container { padding: 0 .4rem !important; }
  #chat-log { --log-h: 58vh; }
  #chat-log .log { height: auto; max-height: var(--log-h); }         /* a phone: no empty space below */
  #chat-log .log:not(.empty)::after { display: none; }
  #app-head p { font-size: .82rem; }
  .draft-side { grid-template-columns: minmax(0, 1fr); }
  .examples { flex-wrap: nowrap; overflow-x: auto; padding-bottom: .2rem; scrollbar-width: thin; }
  .examples button.ask { white-space: nowrap; flex: none; }
  #evidence .ev-back { display: inline-block; }
  .ev-scroll { max-height: 60vh; }
  :is(#evidence, #audit-findings) table.ev-table th.name { width: 8.5rem; min-width: 6.5rem; max-width: 8.5rem; }
}
"""

# Clicks inside the conversation (and the examples, the evidence chips): a citation chip opens its
# evidence, a question button asks its question. After the conversation changes, the newest question
# is scrolled to the top of the conversation box, and the box into the window when it is out of view.
CHAT_JS = """
element.addEventListener('click', (e) => {
  const cite = e.target.closest('[data-cite]');
  if (cite) { e.preventDefault(); trigger('cite', {index: Number(cite.dataset.cite)}); return; }
  const ask = e.target.closest('[data-ask]');
  if (ask && !ask.disabled) { e.preventDefault(); trigger('ask', {question: ask.dataset.ask, doc: ask.dataset.doc || ''}); }
});
const toTop = () => {
  const box = element.querySelector('.log');
  if (!box) return;
  const users = box.querySelectorAll('.msg.user');
  const last = users[users.length - 1];
  if (!last) return;
  box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 6;
  const r = box.getBoundingClientRect();      // the box out of view (a phone): bring its top into view
  if (r.top < 0 || r.bottom > window.innerHeight) window.scrollBy(0, r.top - 8);
};
watch('value', () => requestAnimationFrame(toTop));
"""

ASK_JS = """
element.addEventListener('click', (e) => {
  const ask = e.target.closest('[data-ask]');
  if (ask) { e.preventDefault(); trigger('ask', {question: ask.dataset.ask, doc: ask.dataset.doc || ''}); }
});
"""

# The evidence panel: a chip opens another citation; the cited row is scrolled into view inside the
# table (never the page); on a phone, a chip click in the conversation brings the panel into view.
EVIDENCE_JS = """
element.addEventListener('click', (e) => {
  const cite = e.target.closest('[data-cite]');
  if (cite) { e.preventDefault(); trigger('cite', {index: Number(cite.dataset.cite)}); return; }
  if (e.target.closest('.ev-back')) {
    const log = document.querySelector('#chat-log');
    if (log) log.scrollIntoView({block: 'start'});
  }
});
const place = () => {
  const panel = element.querySelector('.ev-panel');
  if (!panel) return;
  const box = element.querySelector('.ev-scroll');
  const hit = element.querySelector('tr.hit');
  if (box && hit) {
    const b = box.getBoundingClientRect(), r = hit.getBoundingClientRect();
    box.scrollTop += r.top - b.top - box.clientHeight / 3;
    const cell = hit.querySelector('.hit-cell'), name = hit.querySelector('.name');
    if (cell) {
      const c = cell.getBoundingClientRect();
      const pinned = name ? name.getBoundingClientRect().width : 0;
      if (c.right > b.right) box.scrollLeft += c.right - b.right + 8;              // just enough to show it
      else if (c.left < b.left + pinned) box.scrollLeft -= b.left + pinned - c.left + 8;
    }
  }
  if (panel.dataset.focus === 'chip' && window.innerWidth <= 800) panel.scrollIntoView({block: 'start'});
};
watch('value', () => requestAnimationFrame(place));
"""

FINDINGS_JS = """
element.addEventListener('click', (e) => {
  const f = e.target.closest('[data-finding]');
  if (f) { e.preventDefault(); trigger('pick', {index: Number(f.dataset.finding)}); }
});
watch('value', () => requestAnimationFrame(() => {
  const open = element.querySelector('button.finding.open');
  if (!open) return;
  const top = open.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.6) window.scrollBy(0, top - 8);
}));
"""

# The counter under the question box ("12/500"); over the limit it says so (sending then gives a
# chat message, not an error).
COUNTER_JS = """(text) => {
  const n = [...(text || '')].length, max = %d;
  const over = n > max;
  return `<p class="count${over ? ' over' : ''}">${over ? `超出 ${n - max} 字（最多 ${max} 字）` : `${n}/${max}`}</p>`;
}"""

# The 起草 tab: the copy button copies the draft (kept verbatim in a hidden textarea) with the
# Clipboard API where the page is a secure context, else through a selected textarea.
DRAFT_JS = """
element.addEventListener('click', async (e) => {
  if (!e.target.closest('button.copy')) return;
  const src = element.querySelector('textarea.draft-src');
  const note = element.querySelector('.copy-done');
  const text = src ? src.value : '';
  let ok = false;
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); ok = true; } catch (err) { ok = false; }
  }
  if (!ok) {
    const t = document.createElement('textarea');
    t.value = text; t.setAttribute('readonly', ''); t.style.position = 'fixed'; t.style.opacity = '0';
    document.body.appendChild(t); t.select();
    try { ok = document.execCommand('copy'); } catch (err) { ok = false; }
    document.body.removeChild(t);
  }
  if (note) note.textContent = ok ? '已复制到剪贴板' : '复制失败，请选中左侧文字手动复制';
});
"""
