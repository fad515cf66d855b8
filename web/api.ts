/** The dashboard API as the front end sees it: typed fetches with the session cookie and the CSRF token. */

export interface Session {
  user: string;
  role: string;
  csrf: string | null;
  mayEdit: boolean;
  mayExport: boolean;
}

export interface ScanHeader {
  seq: number;
  id: string;
  time: string;
  scope: string;
  summary: { resources?: number; findings?: number; exceptedFindings?: number; bySeverity?: Record<string, number> };
}

export interface Posture {
  scan: ScanHeader | null;
  themes: Array<{ theme: string; counts: Record<string, number> }>;
  totals: Record<string, number>;
  openNonconformities: number;
}

export interface ControlSummary {
  id: string;
  title: string;
  theme: string;
  status: string;
  findings: number;
  owner?: string;
}

export interface Finding {
  checkId: string;
  severity: string;
  resource: { apiVersion?: string; kind: string; namespace?: string; name: string };
  path: string;
  message: string;
  controls: string[];
  location?: { file?: string; line?: number };
  excepted?: { justification: string; approvedBy: string; expires: string; ticket?: string };
}

export interface EvidenceLine {
  seq: number;
  id: string;
  type: string;
  time: string;
  scope: string;
  summary: string;
  hash: string;
  verification: 'verified' | 'broken' | 'after-break';
}

export interface Nonconformity {
  id: string;
  control: string;
  scope: string;
  status: string;
  owner?: string;
  rootCause?: string;
  correctiveAction?: string;
  dueDate?: string;
  openedAt: string;
  history: Array<{ seq: number; time: string; event: string; detail?: string }>;
}

export interface ControlDetail {
  id: string;
  title: string;
  theme: string;
  kubernetes: string;
  status: string;
  owner?: string;
  checks: Array<{ id: string; evaluated: boolean; reason?: string; findings: number }>;
  findings: Finding[];
  excepted: Finding[];
  soa: {
    applicable: boolean;
    justification: string;
    implementationStatus: string;
    evidence: Array<{ ref: string; title?: string; url?: string; date: string }>;
    lastReview?: string;
    nextReview?: string;
    editedBy?: { actor: string; seq: number; time: string; note?: string };
  };
  nonconformities: Nonconformity[];
  evidence: Array<Omit<EvidenceLine, 'verification'>>;
  history: Array<{ seq: number; time: string; status: string }>;
}

export interface FindingsPage {
  total: number;
  offset: number;
  findings: Finding[];
  facets: { severities: string[]; namespaces: string[]; checks: string[]; controls: string[] };
}

export interface EvidenceLog {
  ok: boolean;
  records: number;
  checkpoints: number;
  key: { fingerprint: string | null; source: string };
  problem: { seq: number; message: string } | null;
  entries: EvidenceLine[];
}

export interface ExceptionView {
  check: string;
  resource: { kind: string; namespace?: string; name: string };
  justification: string;
  approvedBy: string;
  expires: string;
  ticket?: string;
  state: 'active' | 'expiring' | 'expired';
  daysLeft: number;
  findings: number;
  reviews: Array<{ decision: string; note: string; actor: string; seq: number; time: string }>;
}

export interface Trend {
  scans: Array<{ seq: number; time: string; scope: string }>;
  themes: Array<{ theme: string; points: Array<Record<string, number>> }>;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let csrf: string | null = null;

export function useCsrf(token: string | null): void {
  csrf = token;
}

async function answer<T>(response: Response): Promise<T> {
  if (response.status === 401) {
    window.location.assign('/login');
    throw new ApiError(401, 'logged out');
  }
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ApiError(response.status, body.error ?? `HTTP ${response.status}`);
  return body;
}

export async function get<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }));
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  return answer<T>(await fetch(path, { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(body) }));
}
