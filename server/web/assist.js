// "Paste a ticket": the page's view of POST /api/assist (#view=assist). Paste a ticket or chat message and
// see the article that explains it at its section, the scripted reply with the values taken from the ticket
// marked (hover: where each came from), the fields still to fill, whom to escalate to, and Copy.
// Uses app.js's api(), el() and humanize(); app.js's route() calls showAssist() for #view=assist.
'use strict';

const AGENT_KEY = 'kb-agent-name';
const FROM_LABELS = {
  greeting: 'from the greeting', signature: 'from the signature', from_header: 'from the From field',
  pattern: 'matched in the ticket', subject: 'from the subject', agent: 'your name',
};

let assistEls = null;
let assistReply = '';

function buildAssist() {
  const field = (id, label, input) => el('p', { class: 'assist-field' }, el('label', { for: id, text: label }), input);
  const e = {};
  e.text = el('textarea', { id: 'assist-text', rows: '6', maxlength: '16000', spellcheck: 'false', required: '',
    placeholder: 'Paste the ticket or chat message here' });
  e.subject = el('input', { id: 'assist-subject', type: 'text', maxlength: '1000', autocomplete: 'off' });
  e.from = el('input', { id: 'assist-from', type: 'text', maxlength: '512', autocomplete: 'off',
    placeholder: 'Ana Souza <ana@example.com>' });
  e.agent = el('input', { id: 'assist-agent', type: 'text', maxlength: '200', autocomplete: 'name' });
  e.agent.value = localStorage.getItem(AGENT_KEY) || '';
  e.form = el('form', { id: 'assist-form' },
    field('assist-text', 'Ticket or message', e.text),
    el('div', { class: 'assist-row' },
      field('assist-subject', 'Subject (optional)', e.subject),
      field('assist-from', 'From (optional)', e.from),
      field('assist-agent', 'Your name, signed under the reply', e.agent)),
    el('button', { type: 'submit', id: 'assist-submit', text: 'Find the answer' }));
  e.status = el('p', { id: 'assist-status', role: 'status' });
  e.result = el('div', { id: 'assist-result', hidden: '' });
  e.section = el('section', { id: 'assist', hidden: '', 'aria-labelledby': 'assist-title' },
    el('h1', { id: 'assist-title', tabindex: '-1', text: 'Paste a ticket' }), e.form, e.status, e.result);
  document.querySelector('main').append(e.section);
  e.form.addEventListener('submit', (ev) => { ev.preventDefault(); runAssist(); });
  e.agent.addEventListener('change', () => localStorage.setItem(AGENT_KEY, e.agent.value.trim()));
  e.text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); runAssist(); }
  });
  return e;
}

function showAssist() {
  if (!assistEls) assistEls = buildAssist();
  for (const id of ['list', 'filters', 'item', 'insights', 'completions']) document.getElementById(id).hidden = true;
  assistEls.section.hidden = false;
  assistEls.text.focus();
}

function hideAssistUnlessAsked() {
  if (!assistEls) return;
  if (new URLSearchParams(location.hash.slice(1)).get('view') !== 'assist') assistEls.section.hidden = true;
}

function assistItemLink(hit) {
  const p = new URLSearchParams({ item: hit.id });
  if (hit.section && hit.section.anchor) p.set('s', hit.section.anchor);
  const section = hit.section && hit.section.title && hit.section.title !== hit.title ? ' · ' + hit.section.title : '';
  return el('a', { href: '#' + p.toString(), class: 'assist-item', 'data-id': hit.id, text: hit.title + section });
}

// The reply built from its template: filled values marked with their source, missing fields highlighted.
function replyNodes(answer) {
  const pre = el('pre', { id: 'assist-reply', class: 'assist-reply' });
  const template = answer.template || answer.text;
  for (const part of template.split(/(\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\})/)) {
    const m = part.match(/^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$/);
    if (!m) { pre.append(part); continue; }
    const v = answer.values[m[1]];
    if (v) {
      pre.append(el('mark', { class: 'filled', 'data-name': m[1], 'data-from': v.from,
        title: humanize(m[1]) + ': ' + (FROM_LABELS[v.from] || v.from), text: v.value }));
    } else {
      pre.append(el('span', { class: 'to-fill', 'data-name': m[1], title: 'Still to fill', text: part }));
    }
  }
  return pre;
}

function renderAssist(r) {
  const out = [];
  assistReply = '';
  if (r.article) {
    out.push(el('section', { class: 'assist-article', 'aria-label': 'Article' },
      el('h2', { text: 'Explains the problem' }), el('p', {}, assistItemLink(r.article)),
      r.article.snippet ? el('p', { class: 'snippet' }, snippetNodes(r.article.snippet)) : null));
  } else {
    out.push(el('p', { class: 'warn', text: 'No article explains this ticket yet.' }));
  }
  if (r.answer) {
    const a = r.answer;
    assistReply = a.text;
    const values = el('ul', { id: 'assist-values', class: 'assist-values' });
    for (const [name, v] of Object.entries(a.values)) {
      values.append(el('li', { 'data-name': name }, el('strong', { text: humanize(name) + ': ' }), v.value,
        el('span', { class: 'from', text: ' (' + (FROM_LABELS[v.from] || v.from) + ')' })));
    }
    const missing = el('p', { id: 'assist-missing', class: 'warn',
      text: a.missing.length ? 'Still to fill: ' + a.missing.map(humanize).join(', ') : '' });
    missing.hidden = a.missing.length === 0;
    out.push(el('section', { class: 'assist-answer', 'aria-label': 'Reply' },
      el('h2', {}, 'Reply: ', assistItemLink(a)), replyNodes(a), values, missing,
      el('button', { type: 'button', id: 'assist-copy', onclick: copyAssistReply, text: 'Copy reply' }),
      el('span', { id: 'assist-copy-status', role: 'status' })));
  } else if (r.article) {
    out.push(el('p', { id: 'assist-no-reply', class: 'warn',
      text: 'No scripted answer is written for this article: write the reply yourself.' }));
  }
  if (r.escalation) {
    const e = r.escalation;
    const facts = [e.team + (e.tier ? ' · ' + e.tier : ''), e.contact ? 'Contact: ' + e.contact : 'No contact in owners.yaml',
      e.hours ? 'Hours: ' + e.hours : ''].filter(Boolean);
    out.push(el('section', { class: 'assist-escalation', 'aria-label': 'Escalation' },
      el('h2', { text: 'Escalate to' }), el('p', { id: 'assist-contact', text: facts.join(' — ') }),
      e.note && e.note.text ? el('pre', { class: 'assist-note', text: e.note.text }) : null));
  }
  if (r.results && r.results.length) {
    out.push(el('section', { 'aria-label': 'Also relevant' }, el('h2', { text: 'Also relevant' }),
      el('ul', {}, ...r.results.map((h) => el('li', {}, assistItemLink(h))))));
  }
  assistEls.result.replaceChildren(...out);
  assistEls.result.hidden = false;
}

async function runAssist() {
  const e = assistEls;
  if (!e.text.value.trim()) { e.status.textContent = 'Paste a ticket first.'; return; }
  localStorage.setItem(AGENT_KEY, e.agent.value.trim());
  e.status.textContent = 'Reading the ticket…';
  const body = { text: e.text.value, subject: e.subject.value, from: e.from.value, agent: e.agent.value.trim(),
    lang: (navigator.language || '').slice(0, 2).toLowerCase() };
  try {
    const r = await api('/api/assist', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body) });
    renderAssist(r);
    e.status.textContent = r.article || r.answer ? '' : 'Nothing in kb matches this ticket.';
    e.result.dataset.done = String(Date.now());
  } catch (err) {
    e.status.textContent = err.status === 403 ? 'Your token lacks the assist scope.' : 'Could not read the ticket: ' + err.message;
  }
}

async function copyAssistReply() {
  let ok = false;
  try {
    await navigator.clipboard.writeText(assistReply);
    ok = true;
  } catch (err) {
    ok = false;
  }
  const missing = document.getElementById('assist-missing');
  document.getElementById('assist-copy-status').textContent =
    ok ? 'Copied.' + (missing.hidden ? '' : ' ' + missing.textContent) : 'Copy failed: select the text and copy it yourself.';
}

window.addEventListener('hashchange', hideAssistUnlessAsked);
document.addEventListener('DOMContentLoaded', () => {
  // Typing a search leaves the paste view for the result list (app.js has already rewritten the hash).
  document.getElementById('q').addEventListener('input', () => {
    if (!assistEls || assistEls.section.hidden) return;
    assistEls.section.hidden = true;
    document.getElementById('list').hidden = false;
    document.getElementById('filters').hidden = false;
  });
});
