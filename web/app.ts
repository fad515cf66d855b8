/**
 * The dashboard's pages (hash routes): overview, controls and a control's detail, findings
 * explorer, evidence log, nonconformities, exceptions. Every value is rendered as text by preact;
 * nothing here sets innerHTML.
 */
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { VNode } from 'preact';
import { get, post, useCsrf, type ControlDetail, type ControlSummary, type EvidenceLog, type ExceptionView, type Finding, type FindingsPage, type Nonconformity, type Posture, type Session, type Trend } from './api.js';
import { ThemeBars, TrendChart } from './charts.js';

/** Loads `path` whenever `key` changes; `reload` fetches again. */
function useApi<T>(path: string): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    get<T>(path).then((data) => live && setState({ data }), (error: Error) => live && setState({ error: error.message }));
    return () => {
      live = false;
    };
  }, [path, tick]);
  return { data: state.data, error: state.error, reload: () => setTick((t) => t + 1) };
}

function Loading({ error }: { error: string | undefined }): VNode {
  return error ? html`<p class="error" role="alert">${error}</p>` : html`<p class="loading">Loading…</p>`;
}

function Status({ status }: { status: string }): VNode {
  return html`<span class=${`status status-${status}`}>${status}</span>`;
}

function resourceName(f: Finding): string {
  return `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}`;
}

function FindingsTable({ findings }: { findings: Finding[] }): VNode {
  if (findings.length === 0) return html`<p class="muted">No findings.</p>`;
  return html`<table class="findings">
    <thead><tr><th>Severity</th><th>Check</th><th>Resource</th><th>Message</th><th>Controls</th></tr></thead>
    <tbody>${findings.map((f, i) => html`<tr key=${i} class=${f.excepted ? 'excepted' : ''}>
      <td><span class=${`sev sev-${f.severity}`}>${f.severity}</span></td>
      <td>${f.checkId}</td>
      <td class="resource">${resourceName(f)}${f.location?.file ? html`<div class="muted">${f.location.file}${f.location.line ? `:${f.location.line}` : ''}</div>` : null}</td>
      <td class="message">${f.message}${f.excepted ? html`<div class="exception-note">Excepted until ${f.excepted.expires} (approved by ${f.excepted.approvedBy})</div>` : null}</td>
      <td>${f.controls.map((c) => html`<a key=${c} href=${`#/controls/${c}`}>${c}</a> `)}</td>
    </tr>`)}</tbody>
  </table>`;
}

function Overview(): VNode {
  const posture = useApi<Posture>('/api/posture');
  const trend = useApi<Trend>('/api/trend');
  if (!posture.data) return html`<${Loading} error=${posture.error} />`;
  const { scan, totals, themes, openNonconformities } = posture.data;
  return html`<section>
    <h2>Overview</h2>
    ${scan ? html`<p id="latest-scan">Latest recorded scan: record ${scan.seq}, ${scan.time}, scope ${scan.scope}: ${scan.summary.resources ?? 0} resources, ${scan.summary.findings ?? 0} findings${scan.summary.exceptedFindings ? `, ${scan.summary.exceptedFindings} excepted` : ''}.</p>` : html`<p class="muted">No scan has been recorded in this store yet.</p>`}
    <div class="cards">
      ${['fail', 'partial', 'pass', 'not-assessed', 'manual', 'not-applicable'].map((s) => html`<div key=${s} class=${`card card-${s}`}><div class="card-number">${totals[s] ?? 0}</div><div>${s}</div></div>`)}
      <div class="card"><div class="card-number">${openNonconformities}</div><div><a href="#/nonconformities">open nonconformities</a></div></div>
    </div>
    <h3>Posture by Annex A theme</h3>
    <${ThemeBars} themes=${themes} />
    <h3>Trend</h3>
    ${trend.data ? html`<${TrendChart} trend=${trend.data} />` : html`<${Loading} error=${trend.error} />`}
  </section>`;
}

function Controls(): VNode {
  const { data, error } = useApi<{ controls: ControlSummary[] }>('/api/controls');
  const [theme, setTheme] = useState('');
  if (!data) return html`<${Loading} error=${error} />`;
  const shown = data.controls.filter((c) => !theme || c.theme === theme);
  return html`<section>
    <h2>Annex A controls</h2>
    <label>Theme <select value=${theme} onChange=${(e: Event) => setTheme((e.target as HTMLSelectElement).value)}>
      <option value="">all</option>
      ${['organizational', 'people', 'physical', 'technological'].map((t) => html`<option key=${t} value=${t}>${t}</option>`)}
    </select></label>
    <table class="controls">
      <thead><tr><th>Control</th><th>Title</th><th>Theme</th><th>Status</th><th>Findings</th><th>Owner</th></tr></thead>
      <tbody>${shown.map((c) => html`<tr key=${c.id}>
        <td><a href=${`#/controls/${c.id}`}>${c.id}</a></td><td>${c.title}</td><td>${c.theme}</td><td><${Status} status=${c.status} /></td><td>${c.findings}</td><td>${c.owner ?? ''}</td>
      </tr>`)}</tbody>
    </table>
  </section>`;
}

function SoaEditor({ detail, onSaved }: { detail: ControlDetail; onSaved: () => void }): VNode {
  const [status, setStatus] = useState(detail.soa.implementationStatus);
  const [owner, setOwner] = useState(detail.owner ?? '');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState('');
  const save = (event: Event) => {
    event.preventDefault();
    const body: Record<string, string> = {};
    if (['implemented', 'partially-implemented', 'planned', 'not-implemented'].includes(status)) body.implementationStatus = status;
    if (owner.trim()) body.owner = owner.trim();
    if (note.trim()) body.note = note.trim();
    post<{ record: { seq: number } }>(`/api/controls/${detail.id}/soa`, body).then((r) => {
      setMessage(`Recorded as evidence record ${r.record.seq}.`);
      onSaved();
    }, (error: Error) => setMessage(error.message));
  };
  return html`<form class="edit" onSubmit=${save} id="soa-form">
    <h4>Edit SoA entry (recorded as evidence)</h4>
    <label>Implementation <select value=${status} onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value)}>
      ${['implemented', 'partially-implemented', 'planned', 'not-implemented'].map((s) => html`<option key=${s} value=${s}>${s}</option>`)}
    </select></label>
    <label>Owner <input value=${owner} onInput=${(e: Event) => setOwner((e.target as HTMLInputElement).value)} /></label>
    <label>Note <input value=${note} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} /></label>
    <button type="submit">Record change</button>
    <p class="form-message" role="status">${message}</p>
  </form>`;
}

function ControlPage({ id, session }: { id: string; session: Session }): VNode {
  const { data, error, reload } = useApi<ControlDetail>(`/api/controls/${encodeURIComponent(id)}`);
  if (!data) return html`<${Loading} error=${error} />`;
  const soa = data.soa;
  return html`<section id="control-detail">
    <h2>${data.id} ${data.title}</h2>
    <p><${Status} status=${data.status} /> · theme ${data.theme} · owner ${data.owner ?? 'not recorded'}</p>
    <p class="muted">${data.kubernetes}</p>
    <h3>Statement of Applicability</h3>
    <dl class="soa">
      <dt>Applicable</dt><dd>${soa.applicable ? 'yes' : 'no'}</dd>
      <dt>Justification</dt><dd>${soa.justification || '—'}</dd>
      <dt>Implementation</dt><dd>${soa.implementationStatus}</dd>
      <dt>Reviews</dt><dd>${soa.lastReview ?? '—'} / next ${soa.nextReview ?? '—'}</dd>
      <dt>Documents</dt><dd>${soa.evidence.length === 0 ? '—' : soa.evidence.map((e) => html`<div key=${e.ref}>${e.ref} ${e.title ?? ''} (${e.date})</div>`)}</dd>
      ${soa.editedBy ? html`<dt>Last edit</dt><dd>by ${soa.editedBy.actor}, record ${soa.editedBy.seq}, ${soa.editedBy.time}${soa.editedBy.note ? `: ${soa.editedBy.note}` : ''}</dd>` : null}
    </dl>
    ${session.mayEdit ? html`<${SoaEditor} detail=${data} onSaved=${reload} />` : null}
    <h3>Checks</h3>
    ${data.checks.length === 0 ? html`<p class="muted">No check maps to this control: its evidence is the documents and records above.</p>` : html`<table>
      <thead><tr><th>Check</th><th>Evaluated</th><th>Findings</th></tr></thead>
      <tbody>${data.checks.map((c) => html`<tr key=${c.id}><td>${c.id}</td><td>${c.evaluated ? 'yes' : `no (${c.reason ?? ''})`}</td><td>${c.findings}</td></tr>`)}</tbody>
    </table>`}
    <h3>Findings in the latest scan</h3>
    <${FindingsTable} findings=${[...data.findings, ...data.excepted]} />
    <h3>Nonconformities</h3>
    ${data.nonconformities.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>${data.nonconformities.map((nc) => html`<li key=${nc.id}>${nc.id}: ${nc.status}${nc.correctiveAction ? ` — ${nc.correctiveAction}` : ''}</li>`)}</ul>`}
    <h3>Evidence records</h3>
    <ul class="evidence-list">${data.evidence.map((e) => html`<li key=${e.seq}>#${e.seq} ${e.type} ${e.time}: ${e.summary}</li>`)}</ul>
    <h3>Status over time</h3>
    <p class="history">${data.history.map((h) => html`<span key=${h.seq} class=${`status status-${h.status}`} title=${h.time}>${h.time.slice(0, 10)} ${h.status}</span> `)}</p>
  </section>`;
}

function readQuery(): URLSearchParams {
  const hash = window.location.hash;
  const at = hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
}

function FindingsExplorer(): VNode {
  const [query, setQuery] = useState(readQuery());
  const { data, error } = useApi<FindingsPage>(`/api/findings?${query.toString()}`);
  const set = (key: string) => (e: Event) => {
    const next = new URLSearchParams(query);
    const value = (e.target as HTMLInputElement | HTMLSelectElement).value;
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('offset');
    window.history.replaceState(null, '', `#/findings?${next.toString()}`);
    setQuery(next);
  };
  const select = (key: string, options: string[], label: string) => html`<label>${label} <select name=${key} value=${query.get(key) ?? ''} onChange=${set(key)}>
    <option value="">all</option>${options.map((o) => html`<option key=${o} value=${o}>${o || '(cluster-scoped)'}</option>`)}
  </select></label>`;
  const facets = data?.facets ?? { severities: [], namespaces: [], checks: [], controls: [] };
  const offset = Number(query.get('offset') ?? 0);
  const page = (to: number) => () => {
    const next = new URLSearchParams(query);
    next.set('offset', String(to));
    setQuery(next);
  };
  return html`<section>
    <h2>Findings explorer</h2>
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      ${select('severity', facets.severities, 'Severity')}
      ${select('namespace', facets.namespaces, 'Namespace')}
      ${select('check', facets.checks, 'Check')}
      ${select('control', facets.controls, 'Control')}
      <label>Text <input name="text" value=${query.get('text') ?? ''} onChange=${set('text')} /></label>
    </form>
    ${data ? html`<p id="findings-count">${data.total} finding${data.total === 1 ? '' : 's'}${data.total > data.findings.length ? `, showing ${offset + 1}–${offset + data.findings.length}` : ''}</p>
      <${FindingsTable} findings=${data.findings} />
      <p>${offset > 0 ? html`<button onClick=${page(Math.max(0, offset - 100))}>Previous</button>` : null}
         ${offset + data.findings.length < data.total ? html`<button onClick=${page(offset + 100)}>Next</button>` : null}</p>` : html`<${Loading} error=${error} />`}
  </section>`;
}

function EvidencePage({ session }: { session: Session }): VNode {
  const { data, error } = useApi<EvidenceLog>('/api/evidence');
  if (!data) return html`<${Loading} error=${error} />`;
  return html`<section>
    <h2>Evidence log</h2>
    <p id="chain-status" class=${data.ok ? 'ok' : 'error'}>${data.ok
      ? `The chain verifies: ${data.records} records, ${data.checkpoints} signed checkpoints, key ${data.key.fingerprint ?? 'none'} (${data.key.source}).`
      : `The chain is BROKEN at record ${data.problem?.seq}: ${data.problem?.message}`}</p>
    ${session.mayExport ? html`<p><a class="button" href="/api/export" download="annexa-evidence.tar.gz">Export a signed bundle</a></p>` : null}
    <table>
      <thead><tr><th>Seq</th><th>Type</th><th>Time</th><th>Scope</th><th>Summary</th><th>Verification</th></tr></thead>
      <tbody>${data.entries.map((e) => html`<tr key=${e.seq}><td>${e.seq}</td><td>${e.type}</td><td>${e.time}</td><td>${e.scope}</td><td>${e.summary}</td><td><span class=${`verify verify-${e.verification}`}>${e.verification}</span></td></tr>`)}</tbody>
    </table>
  </section>`;
}

function NcEditor({ nc, onSaved }: { nc: Nonconformity; onSaved: () => void }): VNode {
  const [status, setStatus] = useState('');
  const [action, setAction] = useState('');
  const [message, setMessage] = useState('');
  const save = (event: Event) => {
    event.preventDefault();
    const body: Record<string, string> = {};
    if (status) body.status = status;
    if (action.trim()) body.correctiveAction = action.trim();
    post<{ record: { seq: number } }>(`/api/nonconformities/${nc.id}`, body).then((r) => {
      setMessage(`Recorded as evidence record ${r.record.seq}.`);
      onSaved();
    }, (error: Error) => setMessage(error.message));
  };
  return html`<form class="edit inline" onSubmit=${save}>
    <select value=${status} onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value)}>
      <option value="">status unchanged</option><option value="corrective-action">corrective-action</option><option value="verified">verified</option><option value="closed">closed</option>
    </select>
    <input placeholder="corrective action" value=${action} onInput=${(e: Event) => setAction((e.target as HTMLInputElement).value)} />
    <button type="submit">Record</button> <span class="form-message" role="status">${message}</span>
  </form>`;
}

function Nonconformities({ session }: { session: Session }): VNode {
  const { data, error, reload } = useApi<{ nonconformities: Nonconformity[] }>('/api/nonconformities');
  if (!data) return html`<${Loading} error=${error} />`;
  return html`<section>
    <h2>Nonconformities</h2>
    ${data.nonconformities.length === 0 ? html`<p class="muted">None recorded.</p>` : html`<table>
      <thead><tr><th>Id</th><th>Control</th><th>Status</th><th>Owner</th><th>Due</th><th>Corrective action</th><th>History</th></tr></thead>
      <tbody>${data.nonconformities.map((nc) => html`<tr key=${nc.id}>
        <td>${nc.id}</td><td><a href=${`#/controls/${nc.control}`}>${nc.control}</a></td><td><${Status} status=${nc.status} /></td><td>${nc.owner ?? ''}</td><td>${nc.dueDate ?? ''}</td>
        <td>${nc.correctiveAction ?? ''}${session.mayEdit && nc.status !== 'closed' ? html`<${NcEditor} nc=${nc} onSaved=${reload} />` : null}</td>
        <td><ul class="history-list">${nc.history.map((h) => html`<li key=${h.seq}>${h.time.slice(0, 10)} ${h.event}${h.detail ? `: ${h.detail}` : ''}</li>`)}</ul></td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

function ExceptionReview({ exception, onSaved }: { exception: ExceptionView; onSaved: () => void }): VNode {
  const [decision, setDecision] = useState('keep');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState('');
  const save = (event: Event) => {
    event.preventDefault();
    post<{ record: { seq: number } }>('/api/exceptions/review', { check: exception.check, resource: exception.resource, decision, note: note.trim() }).then((r) => {
      setMessage(`Recorded as evidence record ${r.record.seq}.`);
      onSaved();
    }, (error: Error) => setMessage(error.message));
  };
  return html`<form class="edit inline review-form" onSubmit=${save}>
    <select value=${decision} onChange=${(e: Event) => setDecision((e.target as HTMLSelectElement).value)}>
      <option value="keep">keep</option><option value="renew">renew</option><option value="revoke">revoke</option>
    </select>
    <input placeholder="reason (required)" value=${note} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} />
    <button type="submit">Record review</button> <span class="form-message" role="status">${message}</span>
  </form>`;
}

function Exceptions({ session }: { session: Session }): VNode {
  const { data, error, reload } = useApi<{ exceptions: ExceptionView[] }>('/api/exceptions');
  if (!data) return html`<${Loading} error=${error} />`;
  return html`<section>
    <h2>Exceptions</h2>
    <p class="muted">Exceptions are applied by scans from annexa.yaml; a review recorded here is evidence of the decision, the change itself is made in annexa.yaml.</p>
    ${data.exceptions.length === 0 ? html`<p class="muted">No exceptions in the configuration of the latest recorded scan.</p>` : html`<table id="exceptions">
      <thead><tr><th>Check</th><th>Resource</th><th>Justification</th><th>Approved by</th><th>Expires</th><th>State</th><th>Findings accepted</th><th>Reviews</th></tr></thead>
      <tbody>${data.exceptions.map((x, i) => html`<tr key=${i}>
        <td>${x.check}</td><td>${x.resource.kind} ${x.resource.namespace ? `${x.resource.namespace}/` : ''}${x.resource.name}</td><td>${x.justification}${x.ticket ? ` (${x.ticket})` : ''}</td>
        <td>${x.approvedBy}</td><td>${x.expires}</td><td><span class=${`state state-${x.state}`}>${x.state}${x.state === 'expired' ? '' : ` (${x.daysLeft} days left)`}</span></td><td>${x.findings}</td>
        <td><ul class="history-list">${x.reviews.map((r) => html`<li key=${r.seq}>${r.time.slice(0, 10)} ${r.decision} by ${r.actor}: ${r.note}</li>`)}</ul>
          ${session.mayEdit ? html`<${ExceptionReview} exception=${x} onSaved=${reload} />` : null}</td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

const NAV: Array<[string, string]> = [['#/', 'Overview'], ['#/controls', 'Controls'], ['#/findings', 'Findings'], ['#/evidence', 'Evidence'], ['#/nonconformities', 'Nonconformities'], ['#/exceptions', 'Exceptions']];

function route(): string {
  return window.location.hash.replace(/\?.*$/, '') || '#/';
}

function Page({ path, session }: { path: string; session: Session }): VNode {
  const control = /^#\/controls\/(.+)$/.exec(path);
  if (control) return html`<${ControlPage} key=${control[1]} id=${decodeURIComponent(control[1]!)} session=${session} />`;
  if (path === '#/controls') return html`<${Controls} />`;
  if (path === '#/findings') return html`<${FindingsExplorer} />`;
  if (path === '#/evidence') return html`<${EvidencePage} session=${session} />`;
  if (path === '#/nonconformities') return html`<${Nonconformities} session=${session} />`;
  if (path === '#/exceptions') return html`<${Exceptions} session=${session} />`;
  return html`<${Overview} />`;
}

function App(): VNode {
  const session = useApi<Session>('/api/session');
  const [path, setPath] = useState(route());
  useEffect(() => {
    const onHash = () => setPath(route());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (!session.data) return html`<${Loading} error=${session.error} />`;
  useCsrf(session.data.csrf);
  const logout = () => void post('/logout', {}).then(() => window.location.assign('/login'));
  return html`<div class="layout">
    <header>
      <h1>Annexa</h1>
      <nav>${NAV.map(([href, label]) => html`<a key=${href} href=${href} class=${path === href || (href !== '#/' && path.startsWith(href)) ? 'active' : ''}>${label}</a>`)}</nav>
      <div class="who">${session.data.user} (${session.data.role}) <button onClick=${logout}>Log out</button></div>
    </header>
    <main><${Page} path=${path} session=${session.data} /></main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app')!);
