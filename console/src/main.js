import { h, render, createContext } from 'preact';
import { useState, useEffect, useLayoutEffect, useContext, useRef, useCallback } from 'preact/hooks';
import htm from 'htm';
import { dictionaries, initialLanguage } from './i18n.js';
import { api, get, enc, session, whenUnauthorised, ApiError } from './api.js';
import { Chart } from './charts.js';
import './style.css';

const html = htm.bind(h);
const T = createContext(dictionaries.zh);
const useT = () => useContext(T);

// ---------------------------------------------------------------- routing (hash: #/page/arg)

function parseHash() {
  const raw = (location.hash || '#/').slice(1);
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(query) };
}
const go = path => { location.hash = '#' + path; };

// ---------------------------------------------------------------- small pieces

function useApi(path, deps = []) {
  const [state, set] = useState({ loading: true, data: null, error: null });
  const [n, reload] = useState(0);
  useEffect(() => {
    if (!path) { set({ loading: false, data: null, error: null }); return; }
    let live = true;
    set(s => ({ ...s, loading: true, error: null }));
    get(path).then(d => live && set({ loading: false, data: d, error: null }),
      e => live && set({ loading: false, data: null, error: e }));
    return () => { live = false; };
  }, [path, n, ...deps]);
  return { ...state, reload: () => reload(x => x + 1) };
}

function Loading() {
  const t = useT();
  return html`<p class="loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>${t.loading}</p>`;
}

/** An error in plain words at the top (field errors go next to their fields). */
function errorText(t, e) {
  if (!e) return '';
  if (e.status === 0) return t.errors.network;
  if (e.status === 404) return t.errors.notFound;
  if (e.status === 502) return t.errors.wecom + (e.message ? ` ${t.serverSays}: ${e.message}` : '');
  if (e.status >= 500) return t.errors.server;
  if (e.status === 409) return t.errors.conflict + (e.message ? ` ${t.serverSays}: ${e.message}` : '');
  return t.errors.generic + (e.message ? ` ${t.serverSays}: ${e.message}` : '');
}

function ErrorBanner({ error, onRetry, unmatched }) {
  const t = useT();
  if (!error || error.status === 401) return null;
  const hasFields = Object.keys(error.fields || {}).length > 0;
  return html`<div class="error" role="alert">
    <p>${hasFields ? t.fixFields : errorText(t, error)}</p>
    ${unmatched && unmatched.length > 0 && html`<ul>${unmatched.map(([k, v]) => html`<li><code>${k}</code>: ${v}</li>`)}</ul>`}
    ${onRetry && html`<button type="button" onClick=${onRetry}>${t.retry}</button>`}
  </div>`;
}

/** Field messages for `name`: the key itself, name[i]... and name.x...; and the keys in `also` exactly. */
function fieldError(error, name, also = []) {
  if (!error || !error.fields) return null;
  const hits = Object.entries(error.fields).filter(([k]) => k === name || k.startsWith(name + '[') || k.startsWith(name + '.') || also.includes(k));
  return hits.length ? hits.map(([k, v]) => (k === name ? v : `${k}: ${v}`)).join('; ') : null;
}
function unmatchedFields(error, names) {
  if (!error || !error.fields) return [];
  return Object.entries(error.fields).filter(([k]) => !names.some(n => k === n || k.startsWith(n + '[') || k.startsWith(n + '.')));
}

let fieldSeq = 0;
function Field({ label, name, error, help, type = 'text', value, onInput, options, required, also, ...rest }) {
  const id = useRef(`f-${name}-${++fieldSeq}`).current;
  const msg = fieldError(error, name, also);
  const describedBy = [help ? `${id}-help` : null, msg ? `${id}-err` : null].filter(Boolean).join(' ') || undefined;
  let control;
  if (type === 'select') {
    control = html`<select id=${id} name=${name} value=${value} onChange=${e => onInput(e.target.value)}
        aria-invalid=${msg ? 'true' : 'false'} aria-describedby=${describedBy}>
      ${options.map(([v, l]) => html`<option value=${v} selected=${v === value}>${l}</option>`)}</select>`;
  } else if (type === 'checkbox') {
    control = html`<input id=${id} name=${name} type="checkbox" checked=${value} onChange=${e => onInput(e.target.checked)}
        aria-invalid=${msg ? 'true' : 'false'} aria-describedby=${describedBy} />`;
  } else if (type === 'textarea') {
    control = html`<textarea id=${id} name=${name} rows="3" value=${value} onInput=${e => onInput(e.target.value)}
        aria-invalid=${msg ? 'true' : 'false'} aria-describedby=${describedBy} ...${rest}></textarea>`;
  } else {
    control = html`<input id=${id} name=${name} type=${type} value=${value} required=${required}
        onInput=${e => onInput(e.target.value)} aria-invalid=${msg ? 'true' : 'false'} aria-describedby=${describedBy} ...${rest} />`;
  }
  return html`<div class=${`field ${type === 'checkbox' ? 'check' : ''} ${msg ? 'invalid' : ''}`} data-field=${name}>
    <label for=${id}>${label}</label>
    ${control}
    ${help && html`<small id=${`${id}-help`} class="help">${help}</small>`}
    ${msg && html`<p id=${`${id}-err`} class="field-error" role="alert">${msg}</p>`}
  </div>`;
}

/** Checkboxes for a list field (`name`), in a fieldset with its legend; the API's message for the list under it. */
function CheckGroup({ legend, name, options, value, onInput, error }) {
  const id = useRef(`g-${name}-${++fieldSeq}`).current;
  const msg = fieldError(error, name);
  const toggle = (v, on) => onInput(on ? [...value, v] : value.filter(x => x !== v));
  return html`<fieldset class=${`checks ${msg ? 'invalid' : ''}`} data-field=${name} aria-describedby=${msg ? `${id}-err` : undefined}>
    <legend>${legend}</legend>
    <div class="check-list">${options.map(([v, l]) => html`<label class="check-item"><input type="checkbox" name=${name} value=${v}
      checked=${value.includes(v)} onChange=${e => toggle(v, e.target.checked)} /> ${l}</label>`)}</div>
    ${msg && html`<p id=${`${id}-err`} class="field-error" role="alert">${msg}</p>`}
  </fieldset>`;
}

/** The API's message for exactly `name` (a group of fields, e.g. a date range), where the group is shown. */
function GroupError({ error, name }) {
  const msg = error?.fields?.[name];
  return msg ? html`<p class="field-error" role="alert" data-field-error=${name}>${msg}</p>` : null;
}

function Pager({ items, size = 10, render: row, head, caption, id }) {
  const t = useT();
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(page, pages - 1);
  if (items.length === 0) return html`<p class="empty">${t.none}</p>`;
  return html`<div class="table-wrap"><table id=${id}>
      ${caption && html`<caption>${caption}</caption>`}
      <thead><tr>${head.map(c => html`<th scope="col">${c}</th>`)}</tr></thead>
      <tbody>${items.slice(p * size, p * size + size).map(row)}</tbody>
    </table>
    ${pages > 1 && html`<nav class="pager" aria-label=${caption || ''}>
      <button type="button" disabled=${p === 0} onClick=${() => setPage(p - 1)}>${t.prev}</button>
      <span aria-live="polite">${t.pageOf(p + 1, pages)}</span>
      <button type="button" disabled=${p >= pages - 1} onClick=${() => setPage(p + 1)}>${t.next}</button>
    </nav>`}</div>`;
}

function Figures({ values, labels, id }) {
  return html`<dl class="figures" id=${id}>${Object.keys(labels).filter(k => values && values[k] !== undefined).map(k =>
    html`<div data-figure=${k}><dt>${labels[k]}</dt><dd>${values[k] === null ? '—' : values[k]}</dd></div>`)}</dl>`;
}

const pct = r => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);
const list = s => s.split(/[,，\s]+/).map(x => x.trim()).filter(Boolean);
const ints = s => list(s).map(Number);
const time = s => (s ? s.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '—');

function Page({ title, children, actions }) {
  const ref = useRef(null);
  useEffect(() => { ref.current && ref.current.focus(); }, [title]);
  return html`<section><div class="page-head"><h1 tabindex="-1" ref=${ref}>${title}</h1>${actions}</div>${children}</section>`;
}

// ---------------------------------------------------------------- sign-in

function SignIn({ message, onSignedIn }) {
  const t = useT();
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async e => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('GET', '/admin/health', undefined, token.trim());
      session.set(token.trim());
      onSignedIn();
    } catch (err) {
      setError(err.status === 401 ? { fields: { token: t.signin.wrong } } : err);
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="signin">
    <form onSubmit=${submit} aria-labelledby="signin-title">
      <h1 id="signin-title">${t.signin.title}</h1>
      ${message && html`<p class="notice" role="status">${message}</p>`}
      ${error && !error.fields && html`<${ErrorBanner} error=${error} />`}
      <${Field} label=${t.signin.token} name="token" type="password" value=${token} onInput=${setToken}
        help=${t.signin.tokenHelp} error=${error} required autocomplete="current-password" />
      <button type="submit" class="primary" disabled=${busy}>${busy ? t.loading : t.signin.submit}</button>
    </form>
  </main>`;
}

// ---------------------------------------------------------------- overview

const PERIOD_FIGURES = ['newCustomers', 'net', 'lostByCustomer', 'lostByStaff', 'adds', 'returning'];

function Overview() {
  const t = useT();
  const health = useApi('/admin/health');
  const overview = useApi('/admin/overview');
  const ranking = useApi('/admin/channels/ranking?by=net');
  const o = overview.data;
  const r = ranking.data;
  const top = r ? r.channels.slice(0, 10) : [];
  return html`<${Page} title=${t.overview.title}>
    ${health.data && html`<p class="meta">${t.overview.corp}: <code>${health.data.corpId}</code> · ${t.overview.operator}: <code>${health.data.operator}</code></p>`}
    ${overview.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${overview.error} onRetry=${overview.reload} />
    ${o && html`<h2>${t.overview.customers} <small>${t.overview.today}: ${o.today} (${o.zone})</small></h2>
      <div class="table-wrap"><table id="overview-periods"><caption>${t.overview.periodsCaption}</caption>
        <thead><tr><th scope="col"></th>${o.periods.map(p => html`<th scope="col" data-days=${p.days}>${t.overview.period(p.days)}</th>`)}</tr></thead>
        <tbody>${PERIOD_FIGURES.map(k => html`<tr data-figure=${k}><th scope="row">${t.overview.figure[k]}</th>
          ${o.periods.map(p => html`<td data-days=${p.days}>${p.totals[k]}</td>`)}</tr>`)}</tbody></table></div>
      <dl class="figures" id="overview-work">
        <div data-figure="activeCampaigns"><dt>${t.overview.activeCampaigns}</dt><dd>${o.referral.activeCampaigns}</dd></div>
        <div data-figure="tasksAwaitingConfirmation"><dt>${t.overview.tasksAwaiting}</dt><dd>${o.sop.tasksAwaitingConfirmation}</dd></div>
        <div data-figure="senders"><dt>${t.overview.sendersAwaiting}</dt><dd>${o.sop.senders}</dd></div>
        <div data-figure="recipients"><dt>${t.overview.recipientsAwaiting}</dt><dd>${o.sop.recipients}</dd></div>
        <div data-figure="rfmCustomers"><dt>${t.overview.rfmCustomers}</dt><dd>${o.rfm.customers}</dd></div>
      </dl>
      <${RfmCharts} d=${o.rfm} prefix="overview-" />`}
    <h2>${t.overview.last30}${r && html` <small>${r.from} – ${r.to}</small>`}</h2>
    ${ranking.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${ranking.error} onRetry=${ranking.reload} />
    ${r && html`<${Chart} id="overview-ranking-chart" label=${t.overview.last30}
      figures=${top.map(c => ({ channelId: c.channelId, net: c.totals.net }))}
      option=${{ tooltip: { trigger: 'axis' }, grid: { left: 8, right: 8, containLabel: true },
        xAxis: { type: 'category', data: top.map(c => c.name), axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: t.funnel.net, data: top.map(c => c.totals.net) }] }} />
    <h2>${t.overview.buckets}</h2>
    <div class="cols">
      <div><h3>${t.overview.unattributed}</h3><${Figures} id="bucket-unattributed" values=${r.unattributed} labels=${t.funnel} /></div>
      <div><h3>${t.overview.referralBucket}</h3><${Figures} id="bucket-referral" values=${r.referral} labels=${t.funnel} /></div>
    </div>`}
  </${Page}>`;
}

/** Customers per RFM segment (bars) and per lifecycle stage (ring), as an RFM distribution answered them. */
function RfmCharts({ d, prefix = '' }) {
  const t = useT();
  return html`<div class="cols">
    <div><h2>${t.rfm.segments}</h2>
      <${Chart} id=${`${prefix}segments-chart`} label=${t.rfm.segments} figures=${d.segments.map(s => ({ name: s.name, customers: s.customers }))}
        option=${{ tooltip: { trigger: 'axis' }, grid: { left: 8, right: 16, containLabel: true },
          yAxis: { type: 'category', data: d.segments.map(s => t.segments[s.name] || s.name), axisLabel: { interval: 0 } },
          xAxis: { type: 'value', minInterval: 1 },
          series: [{ type: 'bar', name: t.rfm.segments, data: d.segments.map(s => s.customers) }] }} /></div>
    <div><h2>${t.rfm.stages}</h2>
      <${Chart} id=${`${prefix}stages-chart`} label=${t.rfm.stages} figures=${d.stages.map(s => ({ name: s.name, customers: s.customers }))}
        option=${{ tooltip: { trigger: 'item' }, legend: { bottom: 0 },
          series: [{ type: 'pie', radius: ['35%', '65%'], label: { formatter: '{b}: {c}' },
            data: d.stages.map(s => ({ name: t.stages[s.name] || s.name, value: s.customers })) }] }} /></div>
  </div>`;
}

// ---------------------------------------------------------------- channels

function QrImage({ channel, size = 64 }) {
  const t = useT();
  const [broken, setBroken] = useState(false);
  if (!channel.qrCode) return html`<span>—</span>`;
  // WeCom's QR image (the qr_code URL add_contact_way answered); if it cannot be fetched (no
  // internet), the frame stays with its alt text and a note, and the download link remains.
  return html`<figure class=${`qr ${broken ? 'broken' : ''}`}>
    <img src=${channel.qrCode} alt=${`${t.channels.qr}: ${channel.name}`} width=${size} height=${size} loading="lazy"
      onError=${() => setBroken(true)} />
    ${broken && html`<figcaption class="help">${t.channels.qrMissing}</figcaption>`}
    <a href=${channel.qrCode} download=${`${channel.channelId}-qrcode`} target="_blank" rel="noopener">${t.channels.qrDownload}</a>
  </figure>`;
}

function Channels({ query }) {
  const t = useT();
  const status = query.get('status') || 'active';
  const channels = useApi(`/admin/channels?status=${enc(status)}`);
  return html`<${Page} title=${t.channels.title}
      actions=${html`<a class="button primary" href="#/channels/new">${t.channels.new}</a>`}>
    <form class="inline" onSubmit=${e => e.preventDefault()}>
      <${Field} label=${t.channels.statusFilter} name="status" type="select" value=${status}
        options=${['active', 'archived', 'all'].map(s => [s, t.channels.statuses[s]])}
        onInput=${v => go(`/channels?status=${v}`)} />
    </form>
    ${channels.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${channels.error} onRetry=${channels.reload} />
    ${channels.data && html`<${Pager} id="channel-list" caption=${t.channels.list} items=${channels.data.channels} size=${10}
      head=${[t.channels.qr, t.channels.name, 'ID', t.channels.staff, t.channels.status, t.channels.created, '']}
      render=${c => html`<tr data-channel=${c.channelId}>
        <td><${QrImage} channel=${c} /></td>
        <td><a href=${`#/channels/${enc(c.channelId)}`}>${c.name}</a></td>
        <td><code>${c.channelId}</code></td>
        <td>${(c.staffUserIds || []).join(', ')}</td>
        <td>${t.channels.state[c.status] || c.status}</td>
        <td>${time(c.createdAt)}</td>
        <td class="actions"><a href=${`#/channels/${enc(c.channelId)}/edit`}>${t.edit}</a></td>
      </tr>`} />`}
    <${Ranking} />
  </${Page}>`;
}

function Ranking() {
  const t = useT();
  const [by, setBy] = useState('net');
  const [range, setRange] = useState({ from: '', to: '' });
  const [applied, setApplied] = useState({ from: '', to: '' });
  const q = new URLSearchParams({ by, ...(applied.from ? { from: applied.from } : {}), ...(applied.to ? { to: applied.to } : {}) });
  const ranking = useApi(`/admin/channels/ranking?${q}`);
  return html`<h2 id="ranking">${t.channels.ranking}</h2>
    <form class="inline" onSubmit=${e => { e.preventDefault(); setApplied(range); }}>
      <${Field} label=${t.channels.rankBy} name="by" type="select" value=${by} onInput=${setBy}
        options=${['net', 'newCustomers', 'adds', 'lost'].map(k => [k, t.funnel[k]])} error=${ranking.error} />
      <${Field} label=${t.from} name="from" type="date" value=${range.from} onInput=${v => setRange({ ...range, from: v })} error=${ranking.error} />
      <${Field} label=${t.to} name="to" type="date" value=${range.to} onInput=${v => setRange({ ...range, to: v })} error=${ranking.error} />
      <button type="submit">${t.apply}</button>
    </form>
    ${ranking.loading && html`<${Loading} />`}
    ${ranking.error && !ranking.error.fields?.from && !ranking.error.fields?.to && html`<${ErrorBanner} error=${ranking.error} onRetry=${ranking.reload} />`}
    ${ranking.data && html`<p class="meta">${ranking.data.from} – ${ranking.data.to}</p>
      <${Pager} id="ranking-table" caption=${t.channels.ranking} items=${ranking.data.channels} size=${10}
      head=${[t.channels.rank, t.channels.name, t.funnel.adds, t.funnel.newCustomers, t.funnel.returning, t.funnel.lost, t.funnel.net]}
      render=${c => html`<tr><td>${c.rank}</td><td><a href=${`#/channels/${enc(c.channelId)}`}>${c.name}</a></td>
        <td>${c.totals.adds}</td><td>${c.totals.newCustomers}</td><td>${c.totals.returning}</td><td>${c.totals.lost}</td><td>${c.totals.net}</td></tr>`} />`}`;
}

function ChannelForm({ id }) {
  const t = useT();
  const existing = useApi(id ? `/admin/channels/${enc(id)}` : null);
  const [f, setF] = useState({ name: '', code: '', staff: '', tags: '', welcome: '', attachment: null, skipVerify: true, groupChatId: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const c = existing.data;
    if (c) setF({ name: c.name || '', code: c.channelId, staff: (c.staffUserIds || []).join(', '), tags: (c.tagIds || []).join(', '),
      welcome: c.welcome?.text || '', attachment: attachmentFromApi(c.welcome?.attachment), skipVerify: c.skipVerify !== false,
      groupChatId: c.groupChatId || '' });
  }, [existing.data]);
  const set = k => v => setF({ ...f, [k]: v });
  const submit = async e => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { name: f.name, staffUserIds: list(f.staff), skipVerify: f.skipVerify };
    if (!id && f.code) body.code = f.code;
    if (f.tags) body.tagIds = list(f.tags);
    if (f.welcome || f.attachment) {
      body.welcome = { ...(f.welcome ? { text: f.welcome } : {}),
        ...(f.attachment ? { attachment: attachmentToApi(WELCOME_ATTACHMENT, f.attachment) } : {}) };
    }
    if (!id && f.groupChatId) body.groupChatId = f.groupChatId;
    if (id && existing.data?.groupChatId) body.groupChatId = existing.data.groupChatId;
    try {
      const c = await api(id ? 'PUT' : 'POST', id ? `/admin/channels/${enc(id)}` : '/admin/channels', body);
      go(`/channels/${enc(c.channelId)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const names = ['name', 'code', 'staffUserIds', 'tagIds', 'welcome', 'skipVerify', 'groupChatId'];
  if (id && existing.loading) return html`<${Loading} />`;
  return html`<${Page} title=${id ? t.channels.editTitle : t.channels.new}>
    <${ErrorBanner} error=${error || existing.error} unmatched=${unmatchedFields(error, names)} />
    <form class="form" id="channel-form" onSubmit=${submit} novalidate>
      <${Field} label=${t.channels.name} name="name" value=${f.name} onInput=${set('name')} error=${error} required />
      <${Field} label=${t.channels.code} name="code" value=${f.code} onInput=${set('code')} error=${error} help=${t.channels.codeHelp} disabled=${!!id} />
      <${Field} label=${t.channels.staff} name="staffUserIds" value=${f.staff} onInput=${set('staff')} error=${error} help=${t.channels.staffHelp} required />
      <${Field} label=${t.channels.tags} name="tagIds" value=${f.tags} onInput=${set('tags')} error=${error} help=${t.channels.staffHelp} />
      <fieldset id="welcome-fields"><legend>${t.channels.welcomeMessage}</legend>
        <${Field} label=${t.channels.welcome} name="welcome.text" type="textarea" value=${f.welcome} onInput=${set('welcome')} error=${error}
          also=${['welcome']} />
        <${AttachmentFields} name="welcome.attachment" spec=${WELCOME_ATTACHMENT} value=${f.attachment} onInput=${set('attachment')}
          error=${error} allowNone />
      </fieldset>
      <${Field} label=${t.channels.groupChatId} name="groupChatId" value=${f.groupChatId} onInput=${set('groupChatId')} error=${error} disabled=${!!id} />
      <${Field} label=${t.channels.skipVerify} name="skipVerify" type="checkbox" value=${f.skipVerify} onInput=${set('skipVerify')} error=${error} />
      <div class="buttons">
        <button type="submit" class="primary" disabled=${busy}>${busy ? t.loading : t.save}</button>
        <a class="button" href=${id ? `#/channels/${enc(id)}` : '#/channels'}>${t.cancel}</a>
      </div>
    </form>
  </${Page}>`;
}

function ChannelDetail({ id }) {
  const t = useT();
  const channel = useApi(`/admin/channels/${enc(id)}`);
  const [range, setRange] = useState({ from: '', to: '' });
  const [applied, setApplied] = useState({ from: '', to: '' });
  const q = new URLSearchParams({ ...(applied.from ? { from: applied.from } : {}), ...(applied.to ? { to: applied.to } : {}) });
  const stats = useApi(`/admin/channels/${enc(id)}/stats?${q}`);
  const [archError, setArchError] = useState(null);
  const archive = async () => {
    if (!confirm(t.channels.archiveConfirm)) return;
    try { await api('POST', `/admin/channels/${enc(id)}/archive`); channel.reload(); } catch (e) { setArchError(e); }
  };
  const c = channel.data;
  const s = stats.data;
  const funnelKeys = ['adds', 'newCustomers', 'net'];
  return html`<${Page} title=${c ? `${t.channels.detail}：${c.name}` : t.channels.detail}
      actions=${c && html`<div class="buttons"><a class="button" href=${`#/channels/${enc(id)}/edit`}>${t.edit}</a>
        ${c.status === 'ACTIVE' && html`<button type="button" onClick=${archive}>${t.archive}</button>`}
        <a class="button" href="#/channels">${t.back}</a></div>`}>
    ${channel.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${channel.error || archError} onRetry=${channel.reload} />
    ${c && html`<div class="cols"><div><${QrImage} channel=${c} size=${160} /></div>
      <dl class="kv"><dt>ID</dt><dd><code>${c.channelId}</code></dd><dt>${t.channels.staff}</dt><dd>${(c.staffUserIds || []).join(', ')}</dd>
      <dt>${t.channels.status}</dt><dd>${t.channels.state[c.status] || c.status}</dd><dt>${t.channels.welcome}</dt><dd>${c.welcome?.text || '—'}</dd>
      <dt>${t.att.type}</dt><dd>${c.welcome?.attachment ? t.att.types[c.welcome.attachment.type.toLowerCase()] : '—'}</dd></dl></div>`}
    <form class="inline" onSubmit=${e => { e.preventDefault(); setApplied(range); }}>
      <${Field} label=${t.from} name="from" type="date" value=${range.from} onInput=${v => setRange({ ...range, from: v })} error=${stats.error} />
      <${Field} label=${t.to} name="to" type="date" value=${range.to} onInput=${v => setRange({ ...range, to: v })} error=${stats.error} />
      <button type="submit">${t.apply}</button>
    </form>
    ${stats.loading && html`<${Loading} />`}
    ${stats.error && !stats.error.fields && html`<${ErrorBanner} error=${stats.error} onRetry=${stats.reload} />`}
    ${s && html`<p class="meta">${s.from} – ${s.to}</p>
      <div class="cols">
        <div><h2>${t.channels.funnelTitle}</h2>
          <${Chart} id="funnel-chart" label=${t.channels.funnelTitle} height=${240}
            figures=${Object.fromEntries(funnelKeys.map(k => [k, s.totals[k]]))}
            option=${{ tooltip: { trigger: 'item' }, series: [{ type: 'funnel', sort: 'none', min: 0, left: '10%', width: '80%',
              label: { show: true, formatter: '{b}: {c}' },
              data: funnelKeys.map(k => ({ name: t.funnel[k], value: s.totals[k] })) }] }} /></div>
        <div><h2>${t.channels.totals}</h2><${Figures} id="channel-totals" values=${s.totals} labels=${t.funnel} /></div>
      </div>
      <h2>${t.channels.daily}</h2>
      <${Chart} id="daily-chart" label=${t.channels.daily}
        figures=${s.days.map(d => ({ day: d.day, adds: d.adds, lost: d.lost, net: d.net }))}
        option=${{ tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 8, right: 8, top: 32, containLabel: true },
          xAxis: { type: 'category', data: s.days.map(d => d.day) }, yAxis: { type: 'value', minInterval: 1 },
          series: [{ type: 'bar', name: t.funnel.adds, data: s.days.map(d => d.adds) },
            { type: 'bar', name: t.funnel.lost, data: s.days.map(d => d.lost) },
            { type: 'line', name: t.funnel.net, data: s.days.map(d => d.net) }] }} />
      <h2>${t.channels.retention}</h2>
      <${Pager} id="retention-table" caption=${t.channels.retention} items=${[...s.days].reverse()} size=${10}
        head=${[t.funnel.day, t.funnel.cohort, t.channels.d1, t.channels.d7, t.channels.d30]}
        render=${d => html`<tr><td>${d.day}</td><td>${d.cohort}</td>
          ${['retentionD1', 'retentionD7', 'retentionD30'].map(k => html`<td>${d[k] ? `${pct(d[k].rate)} (${d[k].retained})${d[k].isFinal ? '' : t.channels.final}` : '—'}</td>`)}</tr>`} />`}
  </${Page}>`;
}

// ---------------------------------------------------------------- referral

function Referral() {
  const t = useT();
  const campaigns = useApi('/admin/referral/campaigns');
  return html`<${Page} title=${t.referral.title} actions=${html`<a class="button primary" href="#/referral/new">${t.referral.new}</a>`}>
    ${campaigns.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${campaigns.error} onRetry=${campaigns.reload} />
    ${campaigns.data && html`<${Pager} id="campaign-list" caption=${t.referral.title} items=${campaigns.data.campaigns}
      head=${[t.referral.name, t.referral.kind, t.referral.target, t.referral.participants, t.referral.startAt, t.referral.endAt, t.channels.status]}
      render=${c => html`<tr data-campaign=${c.campaignId}><td><a href=${`#/referral/${enc(c.campaignId)}`}>${c.name}</a></td>
        <td>${t.referral.kinds[c.kind]}</td><td>${c.target}</td><td>${c.participants}</td><td>${time(c.startAt)}</td><td>${time(c.endAt)}</td>
        <td>${t.referral.status[c.status] || c.status}</td></tr>`} />`}
  </${Page}>`;
}

const localInput = d => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);

function ReferralForm() {
  const t = useT();
  const now = new Date();
  const [f, setF] = useState({ name: '', kind: 'friend', staff: '', chats: '', target: '5', tiers: '', startAt: localInput(now),
    endAt: localInput(new Date(now.getTime() + 14 * 86400000)), hold: '0', onlyNew: true, reward: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = k => v => setF({ ...f, [k]: v });
  const submit = async e => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const iso = v => { const d = new Date(v); return isNaN(d) ? v : d.toISOString(); };
    const body = { name: f.name, kind: f.kind, target: Number(f.target), startAt: iso(f.startAt), endAt: iso(f.endAt),
      holdSeconds: Number(f.hold || 0), onlyNewCustomers: f.onlyNew };
    if (f.kind === 'friend') body.staffUserIds = list(f.staff); else body.chatIds = list(f.chats);
    if (f.tiers) body.tiers = ints(f.tiers);
    if (f.reward) body.rewardDescription = f.reward;
    try {
      const c = await api('POST', '/admin/referral/campaigns', body);
      go(`/referral/${enc(c.campaignId)}`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const names = ['name', 'kind', 'staffUserIds', 'chatIds', 'target', 'tiers', 'startAt', 'endAt', 'holdSeconds', 'onlyNewCustomers', 'rewardDescription'];
  return html`<${Page} title=${t.referral.new}>
    <${ErrorBanner} error=${error} unmatched=${unmatchedFields(error, names)} />
    <form class="form" id="referral-form" onSubmit=${submit} novalidate>
      <${Field} label=${t.referral.name} name="name" value=${f.name} onInput=${set('name')} error=${error} required />
      <${Field} label=${t.referral.kind} name="kind" type="select" value=${f.kind} onInput=${set('kind')} error=${error}
        options=${['friend', 'group'].map(k => [k, t.referral.kinds[k]])} />
      ${f.kind === 'friend'
        ? html`<${Field} label=${t.referral.staff} name="staffUserIds" value=${f.staff} onInput=${set('staff')} error=${error} help=${t.channels.staffHelp} />`
        : html`<${Field} label=${t.referral.chats} name="chatIds" value=${f.chats} onInput=${set('chats')} error=${error} help=${t.channels.staffHelp} />`}
      <${Field} label=${t.referral.target} name="target" type="number" value=${f.target} onInput=${set('target')} error=${error} min="1" />
      <${Field} label=${t.referral.tiers} name="tiers" value=${f.tiers} onInput=${set('tiers')} error=${error} help=${t.referral.tiersHelp} />
      <${Field} label=${t.referral.startAt} name="startAt" type="datetime-local" value=${f.startAt} onInput=${set('startAt')} error=${error} />
      <${Field} label=${t.referral.endAt} name="endAt" type="datetime-local" value=${f.endAt} onInput=${set('endAt')} error=${error} />
      <${Field} label=${t.referral.hold} name="holdSeconds" type="number" value=${f.hold} onInput=${set('hold')} error=${error} min="0" />
      <${Field} label=${t.referral.reward} name="rewardDescription" type="textarea" value=${f.reward} onInput=${set('reward')} error=${error} />
      <${Field} label=${t.referral.onlyNew} name="onlyNewCustomers" type="checkbox" value=${f.onlyNew} onInput=${set('onlyNew')} error=${error} />
      <div class="buttons"><button type="submit" class="primary" disabled=${busy}>${busy ? t.loading : t.save}</button>
        <a class="button" href="#/referral">${t.cancel}</a></div>
    </form>
  </${Page}>`;
}

function ReferralDetail({ id }) {
  const t = useT();
  const base = `/admin/referral/campaigns/${enc(id)}`;
  const campaign = useApi(base);
  const totals = useApi(`${base}/totals`);
  const board = useApi(`${base}/leaderboard?limit=1000`);
  const k = useApi(`${base}/k-factor`);
  const holds = useApi(`${base}/holds`);
  const done = useApi(`${base}/completions`);
  const c = campaign.data;
  return html`<${Page} title=${c ? `${t.referral.title}：${c.name}` : t.referral.title}
      actions=${html`<a class="button" href="#/referral">${t.back}</a>`}>
    ${campaign.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${campaign.error} onRetry=${campaign.reload} />
    ${c && html`<dl class="kv"><dt>${t.referral.kind}</dt><dd>${t.referral.kinds[c.kind]}</dd>
      <dt>${t.referral.target}</dt><dd>${c.target} (${t.referral.tier}: ${c.tiers.join(', ')})</dd>
      <dt>${t.referral.startAt}</dt><dd>${time(c.startAt)}</dd><dt>${t.referral.endAt}</dt><dd>${time(c.endAt)}</dd>
      <dt>${t.channels.status}</dt><dd>${t.referral.status[c.status] || c.status}</dd></dl>`}
    <h2>${t.referral.totals}</h2>
    ${totals.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${totals.error} onRetry=${totals.reload} />
    ${totals.data && html`<${Figures} id="referral-totals" values=${totals.data} labels=${t.referral.t} />`}
    <h2>${t.referral.kFactor}</h2>
    ${k.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${k.error} onRetry=${k.reload} />
    ${k.data && html`<${Chart} id="kfactor-chart" label=${t.referral.kFactor}
      figures=${k.data.days.map(d => ({ day: d.day, kFactor: d.kFactor }))}
      option=${{ tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 8, right: 8, top: 32, containLabel: true },
        xAxis: { type: 'category', data: k.data.days.map(d => d.day) },
        yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value' }],
        series: [{ type: 'bar', name: t.referral.kNewTotal, data: k.data.days.map(d => d.newCustomersTotal) },
          { type: 'bar', name: t.referral.kParticipants, data: k.data.days.map(d => d.participants) },
          { type: 'line', name: t.referral.kFactor, yAxisIndex: 1, data: k.data.days.map(d => d.kFactor) }] }} />`}
    <h2>${t.referral.leaderboard}</h2>
    ${board.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${board.error} onRetry=${board.reload} />
    ${board.data && html`<${Pager} id="leaderboard" caption=${t.referral.leaderboard} items=${board.data.inviters} size=${20}
      head=${['#', t.referral.inviter, t.referral.count, t.referral.peak, t.referral.credited, t.referral.lostCol, t.referral.tiersDone]}
      render=${i => html`<tr data-inviter=${i.inviterExternalUserId}><td>${i.rank}</td><td><a href=${`#/customers?id=${enc(i.inviterExternalUserId)}`}>${i.inviterExternalUserId}</a></td>
        <td>${i.count}</td><td>${i.peak}</td><td>${i.credited}</td><td>${i.lost}</td><td>${i.completedTiers.join(', ') || '—'}</td></tr>`} />`}
    <h2>${t.referral.holds}</h2>
    ${holds.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${holds.error} onRetry=${holds.reload} />
    ${holds.data && html`<${Pager} id="holds" caption=${t.referral.holds} items=${holds.data.holds}
      head=${[t.referral.inviter, t.referral.tier, t.referral.count, t.referral.since, t.referral.until]}
      render=${x => html`<tr><td>${x.inviterExternalUserId}</td><td>${x.tier}</td><td>${x.count}</td><td>${time(x.since)}</td><td>${time(x.until)}</td></tr>`} />`}
    <h2>${t.referral.completions}</h2>
    ${done.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${done.error} onRetry=${done.reload} />
    ${done.data && html`<${Pager} id="completions" caption=${t.referral.completions} items=${done.data.completions}
      head=${[t.referral.inviter, t.referral.tier, t.referral.reachedAt, t.referral.completedAt, t.referral.published]}
      render=${x => html`<tr><td>${x.inviterExternalUserId}</td><td>${x.tier}</td><td>${time(x.reachedAt)}</td><td>${time(x.completedAt)}</td><td>${x.published ? t.yes : t.no}</td></tr>`} />`}
  </${Page}>`;
}

// ---------------------------------------------------------------- SOP

function Sops() {
  const t = useT();
  const sops = useApi('/admin/sops');
  return html`<${Page} title=${t.sop.title} actions=${html`<a class="button primary" href="#/sop/new">${t.sop.new}</a>`}>
    ${sops.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${sops.error} onRetry=${sops.reload} />
    ${sops.data && html`<${Pager} id="sop-list" caption=${t.sop.title} items=${sops.data.items}
      head=${[t.sop.name, t.sop.kind, t.sop.status, t.sop.version, t.channels.created]}
      render=${s => html`<tr><td><a href=${`#/sop/${enc(s.sopId)}`}>${s.name}</a></td><td>${t.sop.kinds[s.kind]}</td>
        <td>${t.sop.statuses[s.status]}</td><td>${s.version}</td><td>${time(s.createdAt)}</td></tr>`} />`}
    <${Capacity} />
  </${Page}>`;
}

/** Planned sends per local day against WeCom's one-mass-message-a-day limit, from a week ago to a week ahead. */
function Capacity() {
  const t = useT();
  const day = offset => new Date(Date.now() + offset * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10); // Asia/Shanghai
  const c = useApi(`/admin/sops/capacity?from=${day(-7)}&to=${day(7)}`);
  return html`<h2>${t.sop.capacity}</h2>
    ${c.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${c.error} onRetry=${c.reload} />
    ${c.data && html`<table id="sop-capacity"><caption>${t.sop.capacityHelp}</caption>
      <thead><tr><th>${t.sop.day}</th><th>${t.sop.f.planned}</th><th>${t.sop.deferredIn}</th><th>${t.sop.deferredOut}</th><th>${t.sop.f.skippedDailyLimitPlanned}</th></tr></thead>
      <tbody>${c.data.days.map(d => html`<tr><td>${d.day}</td><td>${d.planned}</td><td>${d.deferredIn}</td><td>${d.deferredOut}</td><td>${d.skippedDailyLimitPlanned}</td></tr>`)}</tbody>
    </table>`}`;
}

// ---------------------------------------------------------------- attachments (SOP steps, welcome messages)

// The fields of each attachment type, as each API names them ([field, label key] where the label differs).
const SOP_ATTACHMENT = { image: ['mediaId', 'picUrl'], link: ['title', 'url', 'picUrl', 'desc'], miniprogram: ['title', 'picMediaId', 'appId', 'page'] };
const WELCOME_ATTACHMENT = { image: ['mediaId'], link: ['title', 'url', 'picUrl', ['description', 'desc']],
  miniprogram: ['title', ['mediaId', 'picMediaId'], 'appId', 'page'] };
const fieldName = f => (Array.isArray(f) ? f[0] : f);

/** An attachment from the API (its type lower-cased, no empty fields) as the form keeps it. */
function attachmentFromApi(a) {
  if (!a) return null;
  const out = { type: a.type.toLowerCase() };
  Object.entries(a).forEach(([k, v]) => { if (k !== 'type' && v !== null && v !== undefined) out[k] = v; });
  return out;
}
/** The attachment as the API takes it: its type and the non-empty fields of that type. */
function attachmentToApi(spec, a) {
  const out = { type: a.type };
  (spec[a.type] || []).map(fieldName).forEach(k => { if (a[k] && a[k].trim()) out[k] = a[k].trim(); });
  return out;
}

function AttachmentFields({ name, spec, value, onInput, error, allowNone }) {
  const t = useT();
  const type = value?.type || '';
  const options = [...(allowNone ? [['', t.att.types.none]] : []), ...Object.keys(spec).map(k => [k, t.att.types[k]])];
  return html`<div class="attachment" data-attachment=${name}>
    <${Field} label=${t.att.type} name=${`${name}.type`} type="select" value=${type} error=${error} also=${[name]}
      options=${options} onInput=${v => onInput(v ? { type: v } : null)} />
    ${type && spec[type].map(f => {
      const [k, label] = Array.isArray(f) ? f : [f, f];
      return html`<${Field} key=${`${type}-${k}`} label=${t.att.f[label]} name=${`${name}.${k}`} value=${value[k] || ''}
        onInput=${v => onInput({ ...value, [k]: v })} error=${error} help=${t.att.h[label]} />`;
    })}
  </div>`;
}

// ---------------------------------------------------------------- SOP editor

const MAX_ATTACHMENTS = 9;
const emptyStep = kind => ({ stepId: '', chatType: 'single', when: kind === 'JOURNEY' ? 'day' : 'at', value: '', time: '', text: '', attachments: [] });

function stepFromApi(s) {
  const sc = s.schedule || {};
  const when = sc.at !== undefined ? 'at' : sc.cron !== undefined ? 'cron' : sc.afterMinutes !== undefined ? 'afterMinutes' : 'day';
  return { stepId: s.stepId, chatType: s.chatType || 'single', when, value: String(sc[when] ?? ''), time: sc.time || '', text: s.content?.text || '',
    attachments: (s.content?.attachments || []).map(attachmentFromApi) };
}

function stepToApi(s) {
  const schedule = s.when === 'day' ? { day: Number(s.value), time: s.time }
    : s.when === 'afterMinutes' ? { afterMinutes: Number(s.value) } : { [s.when]: s.value };
  const content = { ...(s.text ? { text: s.text } : {}),
    ...(s.attachments.length ? { attachments: s.attachments.map(a => attachmentToApi(SOP_ATTACHMENT, a)) } : {}) };
  return { ...(s.stepId ? { stepId: s.stepId } : {}), chatType: s.chatType, schedule, content };
}

const emptySop = () => ({ name: '', kind: 'BROADCAST', status: 'ACTIVE', priority: '5', senders: '', channelIds: '', tagsAny: '', tagsAll: '',
  tagsNone: '', rfmSegments: [], lifecycleStages: [], addedFrom: '', addedTo: '', groupChats: null, steps: [emptyStep('BROADCAST')] });

function sopFromApi(s) {
  const a = s.audience || {};
  const j = x => (x || []).join(', ');
  return { name: s.name, kind: s.kind, status: s.status, priority: String(s.priority ?? 5), senders: j(a.senders), channelIds: j(a.channelIds),
    tagsAny: j(a.tags?.any), tagsAll: j(a.tags?.all), tagsNone: j(a.tags?.none), rfmSegments: a.rfmSegments || [],
    lifecycleStages: a.lifecycleStages || [], addedFrom: a.addedBetween?.from || '', addedTo: a.addedBetween?.to || '',
    groupChats: a.groupChats?.length ? a.groupChats : null, steps: s.steps.map(stepFromApi), version: s.version };
}

/** The audience as the API takes it: only the filters that are set. Customer groups set through the API are kept. */
function audienceToApi(f) {
  const audience = {};
  if (f.senders) audience.senders = list(f.senders);
  if (f.channelIds) audience.channelIds = list(f.channelIds);
  const tags = {};
  if (f.tagsAny) tags.any = list(f.tagsAny);
  if (f.tagsAll) tags.all = list(f.tagsAll);
  if (f.tagsNone) tags.none = list(f.tagsNone);
  if (Object.keys(tags).length) audience.tags = tags;
  if (f.rfmSegments.length) audience.rfmSegments = f.rfmSegments;
  if (f.lifecycleStages.length) audience.lifecycleStages = f.lifecycleStages;
  if (f.addedFrom || f.addedTo) audience.addedBetween = { ...(f.addedFrom ? { from: f.addedFrom } : {}), ...(f.addedTo ? { to: f.addedTo } : {}) };
  if (f.groupChats) audience.groupChats = f.groupChats;
  return audience;
}

function SopEditor({ id }) {
  const t = useT();
  const existing = useApi(id ? `/admin/sops/${enc(id)}` : null);
  const [f, setF] = useState(emptySop);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => { if (existing.data) setF(sopFromApi(existing.data)); }, [existing.data]);
  const set = k => v => setF({ ...f, [k]: v });
  const setStep = (i, k) => v => setF({ ...f, steps: f.steps.map((s, j) => (j === i ? { ...s, [k]: v } : s)) });
  const setAttachments = (i, change) => setF({ ...f, steps: f.steps.map((s, j) => (j === i ? { ...s, attachments: change(s.attachments) } : s)) });
  const submit = async e => {
    e.preventDefault();
    setBusy(true); setError(null); setSaved(false);
    const priority = /^\d+$/.test(f.priority.trim()) ? Number(f.priority.trim()) : f.priority; // the API explains a bad value
    const body = { name: f.name, kind: f.kind, status: f.status, priority, audience: audienceToApi(f), steps: f.steps.map(stepToApi),
      ...(id ? { version: f.version } : {}) };
    try {
      const s = await api(id ? 'PUT' : 'POST', id ? `/admin/sops/${enc(id)}` : '/admin/sops', body);
      if (id) { existing.reload(); setSaved(true); } else go(`/sop/${enc(s.sopId)}`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const remove = async () => {
    if (!confirm(t.sop.deleteConfirm)) return;
    try { await api('DELETE', `/admin/sops/${enc(id)}`); go('/sop'); } catch (err) { setError(err); }
  };
  const whenOptions = f.kind === 'JOURNEY' ? ['day', 'afterMinutes'] : ['at', 'cron'];
  const names = ['name', 'kind', 'status', 'priority', 'version', 'audience.senders', 'audience.channelIds', 'audience.tags',
    'audience.rfmSegments', 'audience.lifecycleStages', 'audience.addedBetween', 'steps'];
  const help = t.channels.staffHelp;
  if (id && existing.loading && !existing.data) return html`<${Loading} />`;
  return html`<${Page} title=${id ? t.sop.editTitle : t.sop.new}
      actions=${html`<div class="buttons">${id && html`<button type="button" onClick=${remove}>${t.del}</button>`}<a class="button" href="#/sop">${t.back}</a></div>`}>
    <${ErrorBanner} error=${error || existing.error} unmatched=${unmatchedFields(error, names)} />
    ${saved && html`<p class="notice" role="status">${t.saved}</p>`}
    <form class="form" id="sop-form" onSubmit=${submit} novalidate>
      <${Field} label=${t.sop.name} name="name" value=${f.name} onInput=${set('name')} error=${error} />
      <${Field} label=${t.sop.kind} name="kind" type="select" value=${f.kind} error=${error} disabled=${!!id}
        onInput=${v => setF({ ...f, kind: v, steps: f.steps.map(() => emptyStep(v)) })}
        options=${['BROADCAST', 'JOURNEY'].map(k => [k, t.sop.kinds[k]])} />
      <${Field} label=${t.sop.status} name="status" type="select" value=${f.status} onInput=${set('status')} error=${error}
        options=${['ACTIVE', 'PAUSED'].map(k => [k, t.sop.statuses[k]])} />
      <${Field} label=${t.sop.priority} name="priority" value=${f.priority} onInput=${set('priority')} error=${error} />
      <fieldset id="sop-audience"><legend>${t.sop.audience}</legend>
        <p class="help">${t.sop.audienceHelp}</p>
        <${Field} label=${t.sop.senders} name="audience.senders" value=${f.senders} onInput=${set('senders')} error=${error} help=${help} />
        <${Field} label=${t.sop.tagsAny} name="audience.tags.any" value=${f.tagsAny} onInput=${set('tagsAny')} error=${error} help=${help} also=${['audience.tags']} />
        <${Field} label=${t.sop.tagsAll} name="audience.tags.all" value=${f.tagsAll} onInput=${set('tagsAll')} error=${error} help=${help} />
        <${Field} label=${t.sop.tagsNone} name="audience.tags.none" value=${f.tagsNone} onInput=${set('tagsNone')} error=${error} help=${help} />
        <${Field} label=${t.sop.channelIds} name="audience.channelIds" value=${f.channelIds} onInput=${set('channelIds')} error=${error} help=${help} />
        <${CheckGroup} legend=${t.sop.rfmSegments} name="audience.rfmSegments" value=${f.rfmSegments} onInput=${set('rfmSegments')} error=${error}
          options=${Object.keys(t.segments).map(k => [k, t.segments[k]])} />
        <${CheckGroup} legend=${t.sop.lifecycleStages} name="audience.lifecycleStages" value=${f.lifecycleStages} onInput=${set('lifecycleStages')}
          error=${error} options=${Object.keys(t.stages).map(k => [k, t.stages[k]])} />
        <fieldset data-field="audience.addedBetween"><legend>${t.sop.addedBetween}</legend>
          <div class="inline">
            <${Field} label=${t.from} name="audience.addedBetween.from" type="date" value=${f.addedFrom} onInput=${set('addedFrom')} error=${error} />
            <${Field} label=${t.to} name="audience.addedBetween.to" type="date" value=${f.addedTo} onInput=${set('addedTo')} error=${error} />
          </div>
          <${GroupError} error=${error} name="audience.addedBetween" />
        </fieldset>
        ${f.groupChats && html`<p class="help">${t.sop.groupChatsKept(f.groupChats.length)}</p>`}
      </fieldset>
      <fieldset><legend>${t.sop.steps}</legend>
        ${f.steps.map((s, i) => html`<fieldset class="step" data-step-index=${i}><legend>${t.sop.step(i + 1)}${s.stepId && html` <code>${s.stepId}</code>`}</legend>
          ${f.kind === 'BROADCAST' && html`<${Field} label=${t.sop.chatType} name=${`steps[${i}].chatType`} type="select" value=${s.chatType}
            onInput=${setStep(i, 'chatType')} error=${error} options=${['single', 'group'].map(k => [k, t.sop.chatTypes[k]])} />`}
          <${Field} label=${t.sop.when} name=${`steps[${i}].when`} type="select" value=${s.when} onInput=${setStep(i, 'when')}
            options=${whenOptions.map(k => [k, t.sop[k]])} />
          <${Field} label=${t.sop[s.when]} name=${`steps[${i}].schedule`} value=${s.value} onInput=${setStep(i, 'value')} error=${error} />
          ${s.when === 'day' && html`<${Field} label=${t.sop.time} name=${`steps[${i}].schedule.time`} value=${s.time} onInput=${setStep(i, 'time')} />`}
          <${Field} label=${t.sop.text} name=${`steps[${i}].content.text`} type="textarea" value=${s.text} onInput=${setStep(i, 'text')} error=${error}
            also=${[`steps[${i}].content`]} />
          <fieldset class="attachments"><legend>${t.sop.attachments}</legend>
            ${s.attachments.map((a, j) => html`<div class="attachment-item">
              <${AttachmentFields} name=${`steps[${i}].content.attachments[${j}]`} spec=${SOP_ATTACHMENT} value=${a} error=${error}
                onInput=${v => setAttachments(i, as => as.map((x, k) => (k === j ? v : x)))} />
              <button type="button" onClick=${() => setAttachments(i, as => as.filter((_, k) => k !== j))}>${t.att.remove}</button></div>`)}
            ${s.attachments.length < MAX_ATTACHMENTS && html`<div><button type="button"
              onClick=${() => setAttachments(i, as => [...as, { type: 'image' }])}>${t.att.add}</button></div>`}
            <${GroupError} error=${error} name=${`steps[${i}].content.attachments`} />
          </fieldset>
          ${f.steps.length > 1 && html`<button type="button" onClick=${() => setF({ ...f, steps: f.steps.filter((_, j) => j !== i) })}>${t.sop.removeStep}</button>`}
        </fieldset>`)}
        <button type="button" onClick=${() => setF({ ...f, steps: [...f.steps, emptyStep(f.kind)] })}>${t.sop.addStep}</button>
      </fieldset>
      <div class="buttons"><button type="submit" class="primary" disabled=${busy}>${busy ? t.loading : t.save}</button></div>
    </form>
    ${id && existing.data && html`<h2>${t.sop.report}</h2>${existing.data.steps.map(s => html`<${StepReport} sopId=${id} stepId=${s.stepId} />`)}`}
  </${Page}>`;
}

function StepReport({ sopId, stepId }) {
  const t = useT();
  const r = useApi(`/admin/sops/${enc(sopId)}/steps/${enc(stepId)}/report`);
  return html`<div class="step-report" data-step=${stepId}><h3><code>${stepId}</code></h3>
    ${r.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${r.error} onRetry=${r.reload} />
    ${r.data && html`<${Figures} values=${r.data.totals} labels=${t.sop.f} />
      <h4>${t.sop.delivery}</h4>
      <${Figures} values=${r.data.delivery} labels=${t.sop.d} />
      ${r.data.links && html`<h4>${t.sop.links}</h4><${Figures} values=${r.data.links} labels=${t.sop.l} />`}
      <${UnconfirmedSenders} runs=${r.data.runs || []} />
      <${Pager} caption=${t.sop.runs} items=${r.data.runs || []}
        head=${[t.sop.occurrence, t.sop.runState, t.sop.f.planned, t.sop.f.sent, t.sop.f.failed, t.sop.f.skipped, t.sop.dispatches]}
        render=${x => html`<tr><td>${x.occurrence}</td><td>${t.sop.runStates[x.state] || x.state}</td><td>${x.figures?.planned}</td>
          <td>${x.figures?.sent}</td><td>${x.figures?.failed}</td><td>${x.figures?.skipped}</td><td>${x.dispatchesDone} / ${x.dispatches}</td></tr>`} />`}
  </div>`;
}

/** Staff who have not confirmed their WeCom task, over the runs shown (WeCom only sends once they do). */
function UnconfirmedSenders({ runs }) {
  const t = useT();
  const rows = runs.flatMap(run => (run.unconfirmedSenders || []).map(u => ({ ...u, occurrence: run.occurrence })));
  if (!rows.length) return null;
  return html`<table class="unconfirmed-senders"><caption>${t.sop.unconfirmedSenders}</caption>
    <thead><tr><th>${t.sop.occurrence}</th><th>${t.sop.sender}</th><th>${t.sop.senderState}</th><th>${t.sop.recipients}</th><th>${t.sop.d.reminders}</th></tr></thead>
    <tbody>${rows.map(u => html`<tr><td>${u.occurrence}</td><td>${u.sender}</td><td>${t.sop.senderStates[u.state] || u.state}</td>
      <td>${u.recipients}</td><td>${u.reminders}</td></tr>`)}</tbody></table>`;
}

// ---------------------------------------------------------------- customers

/** Customers whose name begins with what was typed (GET /admin/customers?name=), each a link to their page. */
function NameSearch({ name, found }) {
  const t = useT();
  if (!name) return null;
  return html`<h2>${t.customers.found}</h2>
    ${found.loading && html`<${Loading} />`}
    ${found.error && !Object.keys(found.error.fields || {}).length && html`<${ErrorBanner} error=${found.error} onRetry=${found.reload} />`}
    ${found.data && html`<${Pager} id="name-results" caption=${t.customers.foundFor(name)} items=${found.data.customers}
      head=${[t.customers.name, 'ID', t.customers.firstChannel, t.customers.firstAddedAt, t.customers.active]}
      render=${c => html`<tr data-customer=${c.externalUserId}><td><a href=${`#/customers?id=${enc(c.externalUserId)}`}>${c.name}</a></td>
        <td><code>${c.externalUserId}</code></td><td>${c.firstChannelId || '—'}</td><td>${time(c.firstAddedAt)}</td>
        <td>${c.activeRelationships}</td></tr>`} />`}`;
}

function Customers({ query }) {
  const t = useT();
  const id = query.get('id') || '';
  const name = query.get('name') || '';
  const [nameInput, setNameInput] = useState(name);
  const found = useApi(name ? `/admin/customers?name=${encodeURIComponent(name)}&limit=50` : null);
  const shownName = useRef(name);
  useEffect(() => { if (shownName.current !== name) { shownName.current = name; setNameInput(name); } }, [name]);
  const [input, setInput] = useState(id);
  // Follow the address when it changes (back, a link), never on mount: what was typed before the first effect ran stays.
  const shownId = useRef(id);
  useEffect(() => { if (shownId.current !== id) { shownId.current = id; setInput(id); } }, [id]);
  const customer = useApi(id ? `/admin/customers/${enc(id)}` : null);
  const rfm = useApi(id ? `/admin/rfm/customers/${enc(id)}` : null);
  const [history, setHistory] = useState({ items: [], next: undefined, error: null, loading: false });
  const loadHistory = useCallback(async before => {
    setHistory(h0 => ({ ...h0, loading: true, error: null }));
    try {
      const p = await get(`/admin/rfm/customers/${enc(id)}/history?limit=20${before ? `&before=${before}` : ''}`);
      setHistory(h0 => ({ items: before ? [...h0.items, ...p.items] : p.items, next: p.nextBefore, error: null, loading: false }));
    } catch (e) { setHistory(h0 => ({ ...h0, loading: false, error: e })); }
  }, [id]);
  useEffect(() => { if (id) loadHistory(); }, [id]);
  const c = customer.data;
  const r = rfm.data;
  const seg = s => (s ? t.segments[s] || s : '—');
  const stg = s => (s ? t.stages[s] || s : '—');
  return html`<${Page} title=${t.customers.title}>
    <form class="inline" id="name-search" role="search" onSubmit=${e => { e.preventDefault(); go(`/customers?name=${encodeURIComponent(nameInput)}`); }}>
      <${Field} label=${t.customers.byName} name="name" value=${nameInput} onInput=${setNameInput} error=${found.error} help=${t.customers.byNameHelp} />
      <button type="submit" class="primary">${t.customers.search}</button>
    </form>
    <${NameSearch} name=${name} found=${found} />
    <form class="inline" onSubmit=${e => { e.preventDefault(); go(`/customers?id=${enc(input.trim())}`); }}>
      <${Field} label=${t.customers.id} name="externalUserId" value=${input} onInput=${setInput} error=${customer.error} />
      <button type="submit" class="primary">${t.customers.lookup}</button>
    </form>
    ${id && customer.loading && html`<${Loading} />`}
    ${customer.error && !customer.error.fields && html`<${ErrorBanner} error=${customer.error} onRetry=${customer.reload} />`}
    ${c && html`<h2>${t.customers.profile}</h2><dl class="kv" id="customer-profile">
      <dt>${t.customers.name}</dt><dd>${c.customer.name || '—'}</dd>
      <dt>ID</dt><dd><code>${c.customer.externalUserId}</code></dd>
      <dt>${t.customers.firstChannel}</dt><dd>${c.customer.firstChannelId ? html`<a href=${`#/channels/${enc(c.customer.firstChannelId)}`}>${c.customer.firstChannelId}</a>` : '—'}</dd>
      <dt>${t.customers.firstAddedAt}</dt><dd>${time(c.customer.firstAddedAt)}</dd>
      <dt>${t.customers.active}</dt><dd>${c.customer.activeRelationships}</dd></dl>
      <h2>${t.customers.relationships}</h2>
      <${Pager} id="relationships" caption=${t.customers.relationships} items=${c.relationships}
        head=${[t.customers.staff, t.customers.relStatus, t.channels.detail, t.customers.addedAt, t.customers.lostAt, t.customers.tags]}
        render=${x => html`<tr><td>${x.userId}</td><td>${t.customers.relStatuses[x.status] || x.status}${x.lostBy ? ` (${t.customers.lostBy[x.lostBy]})` : ''}</td>
          <td>${x.channelId || '—'}</td><td>${time(x.addedAt)}</td><td>${time(x.lostAt)}</td><td>${(x.tagIds || []).join(', ') || '—'}</td></tr>`} />`}
    ${id && html`<h2>${t.customers.rfm}</h2>`}
    ${id && rfm.loading && html`<${Loading} />`}
    ${rfm.error && (rfm.error.status === 404 ? html`<p class="empty">${t.customers.noRfm}</p>` : html`<${ErrorBanner} error=${rfm.error} onRetry=${rfm.reload} />`)}
    ${r && html`<dl class="kv" id="customer-rfm">
      <dt>${t.customers.paidOrders}</dt><dd>${r.paidOrders}</dd><dt>${t.customers.paidFen}</dt><dd>${r.paidFen}</dd>
      <dt>${t.customers.lastPaidAt}</dt><dd>${time(r.lastPaidAt)}</dd><dt>${t.customers.recencyDays}</dt><dd>${r.recencyDays ?? '—'}</dd>
      <dt>${t.customers.scores}</dt><dd>${r.scores ? `${r.scores.recency} / ${r.scores.frequency} / ${r.scores.monetary}` : '—'}</dd>
      <dt>${t.customers.segment}</dt><dd>${seg(r.segment)}</dd><dt>${t.customers.stage}</dt><dd>${stg(r.stage)}</dd>
      <dt>${t.customers.scoredOn}</dt><dd>${r.scoredOn || '—'}</dd></dl>
      <h2>${t.customers.history}</h2>
      <${ErrorBanner} error=${history.error} onRetry=${() => loadHistory()} />
      <${Pager} id="rfm-history" caption=${t.customers.history} items=${history.items}
        head=${[t.customers.at, t.customers.segment, t.customers.stage, t.customers.scores, t.customers.reason]}
        render=${x => html`<tr><td>${time(x.at)}</td><td>${seg(x.fromSegment)} → ${seg(x.toSegment)}</td><td>${stg(x.fromStage)} → ${stg(x.toStage)}</td>
          <td>${x.scores ? `${x.scores.recency} / ${x.scores.frequency} / ${x.scores.monetary}` : '—'}</td><td>${t.customers.reasons[x.reason] || x.reason}</td></tr>`} />
      ${history.loading && html`<${Loading} />`}
      ${history.next && html`<button type="button" onClick=${() => loadHistory(history.next)}>${t.customers.more}</button>`}`}
  </${Page}>`;
}

// ---------------------------------------------------------------- RFM

function Rfm() {
  const t = useT();
  const dist = useApi('/admin/rfm/distribution');
  const thresholds = useApi('/admin/rfm/thresholds');
  const [f, setF] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const x = thresholds.data;
    if (x) setF({ recencyDays: x.recencyDays.join(', '), frequencyOrders: x.frequencyOrders.join(', '), monetaryFen: x.monetaryFen.join(', '),
      highScoreFrom: String(x.highScoreFrom), newCustomerDays: String(x.newCustomerDays) });
  }, [thresholds.data]);
  const submit = async e => {
    e.preventDefault();
    setBusy(true); setError(null); setSaved(false);
    try {
      await api('PUT', '/admin/rfm/thresholds', { recencyDays: ints(f.recencyDays), frequencyOrders: ints(f.frequencyOrders),
        monetaryFen: ints(f.monetaryFen), highScoreFrom: Number(f.highScoreFrom), newCustomerDays: Number(f.newCustomerDays) });
      setSaved(true);
      thresholds.reload();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const d = dist.data;
  const keys = ['recencyDays', 'frequencyOrders', 'monetaryFen', 'highScoreFrom', 'newCustomerDays'];
  return html`<${Page} title=${t.rfm.title}>
    ${dist.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${dist.error} onRetry=${dist.reload} />
    ${d && html`<dl class="figures"><div data-figure="customers"><dt>${t.rfm.customers}</dt><dd>${d.customers}</dd></div></dl>
      <${RfmCharts} d=${d} />`}
    <h2>${t.rfm.thresholds}</h2>
    ${thresholds.loading && html`<${Loading} />`}
    <${ErrorBanner} error=${error || thresholds.error} unmatched=${unmatchedFields(error, keys)} />
    ${saved && html`<p class="notice" role="status">${t.saved}</p>`}
    ${f && html`<form class="form" id="thresholds-form" onSubmit=${submit} novalidate>
      ${['recencyDays', 'frequencyOrders', 'monetaryFen'].map(k => html`<${Field} label=${t.rfm[k]} name=${k} value=${f[k]}
        onInput=${v => setF({ ...f, [k]: v })} error=${error} help=${t.rfm.listHelp} />`)}
      ${['highScoreFrom', 'newCustomerDays'].map(k => html`<${Field} label=${t.rfm[k]} name=${k} type="number" value=${f[k]}
        onInput=${v => setF({ ...f, [k]: v })} error=${error} />`)}
      <div class="buttons"><button type="submit" class="primary" disabled=${busy}>${busy ? t.loading : t.save}</button></div>
    </form>`}
  </${Page}>`;
}

// ---------------------------------------------------------------- shell

const NAV = ['overview', 'channels', 'referral', 'sop', 'customers', 'rfm'];

function route({ parts, query }) {
  const [page = 'overview', arg, sub] = parts;
  switch (page) {
    case 'channels':
      if (arg === 'new') return html`<${ChannelForm} />`;
      if (arg && sub === 'edit') return html`<${ChannelForm} id=${arg} key=${arg} />`;
      if (arg) return html`<${ChannelDetail} id=${arg} key=${arg} />`;
      return html`<${Channels} query=${query} />`;
    case 'referral':
      if (arg === 'new') return html`<${ReferralForm} />`;
      if (arg) return html`<${ReferralDetail} id=${arg} key=${arg} />`;
      return html`<${Referral} />`;
    case 'sop':
      if (arg === 'new') return html`<${SopEditor} />`;
      if (arg) return html`<${SopEditor} id=${arg} key=${arg} />`;
      return html`<${Sops} />`;
    case 'customers': return html`<${Customers} query=${query} />`;
    case 'rfm': return html`<${Rfm} />`;
    default: return html`<${Overview} />`;
  }
}

/** A Cognito hosted-UI (implicit grant) sign-in comes back with #id_token=... in the address. */
function takeTokenFromAddress() {
  const m = /(?:^#|&)id_token=([^&]+)/.exec(location.hash);
  if (m) {
    session.set(decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search + '#/');
  }
}

function App() {
  const [lang, setLang] = useState(initialLanguage());
  const [signedIn, setSignedIn] = useState(() => { takeTokenFromAddress(); return !!session.token(); });
  const [message, setMessage] = useState(null);
  const [where, setWhere] = useState(parseHash());
  const t = dictionaries[lang];
  useEffect(() => {
    const f = () => setWhere(parseHash());
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  // In the same commit as the text, so the page never shows one language under the other's lang attribute.
  useLayoutEffect(() => { document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'; document.title = t.appName; localStorage.setItem('siyu.lang', lang); }, [lang]);
  useEffect(() => whenUnauthorised(() => { session.clear(); setMessage('expired'); setSignedIn(false); }), []);
  const switcher = html`<button type="button" class="lang" lang=${lang === 'zh' ? 'en' : 'zh-CN'} aria-label=${t.langLabel}
    onClick=${() => setLang(lang === 'zh' ? 'en' : 'zh')}>${t.lang}</button>`;
  if (!signedIn) {
    return html`<${T.Provider} value=${t}><header class="top"><span class="brand">${t.appName}</span>${switcher}</header>
      <${SignIn} message=${message && t.signin[message]} onSignedIn=${() => { setMessage(null); setSignedIn(true); }} /></${T.Provider}>`;
  }
  const page = where.parts[0] || 'overview';
  return html`<${T.Provider} value=${t}>
    <a class="skip" href="#main" onClick=${e => { e.preventDefault(); document.getElementById('main').focus(); }}>${t.skip}</a>
    <header class="top"><span class="brand">${t.appName}</span>
      <nav aria-label=${t.appName}><ul>${NAV.map(n => html`<li><a href=${`#/${n === 'overview' ? '' : n}`}
        aria-current=${page === n ? 'page' : undefined}>${t.nav[n]}</a></li>`)}</ul></nav>
      <div class="tools">${switcher}<button type="button" onClick=${() => { session.clear(); setMessage(null); setSignedIn(false); }}>${t.signOut}</button></div>
    </header>
    <main id="main" tabindex="-1">${route(where)}</main>
  </${T.Provider}>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
