/**
 * Control posture: each Annex A control's status from the checks that evidence it.
 * fail: a mapped check found something in scope; pass: mapped checks ran on in-scope resources and
 * found nothing; manual: no automated evidence ran; not-applicable: excluded in the SoA.
 */
import type { Check } from '../engine/check.js';
import type { Finding } from '../resources/types.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { Theme } from '../frameworks/annex-a-titles.js';
import { ISO27001_CONTROLS, automationOf } from '../frameworks/iso27001.js';
import type { Automation } from '../frameworks/types.js';

export type ControlStatusValue = 'pass' | 'fail' | 'manual' | 'not-applicable';

export interface ControlStatus {
  id: string;
  title: string;
  theme: Theme;
  status: ControlStatusValue;
  /** How far the enabled checks can evidence the control (catalog judgement; `manual` when none maps). */
  automation: Automation;
  findings: number;
  /** Every enabled check mapped to the control, whether or not it ran. */
  checks: string[];
  /** In-scope findings per mapped check (only checks with findings). */
  findingsByCheck: Record<string, number>;
  /** Mapped checks that ran on in-scope resources. */
  checksEvaluated: string[];
  /** Mapped checks with in-scope findings. */
  checksFailed: string[];
  justification?: string;
  owner?: string;
}

export class PostureTally {
  private readonly checksByControl = new Map<string, string[]>();
  private readonly findingsByControl = new Map<string, number>();
  private readonly findingsByCheck = new Map<string, number>();
  private readonly failedChecks = new Set<string>();
  private readonly evaluatedChecks = new Set<string>();

  constructor(checks: readonly Check[], private readonly config: AnnexaConfig) {
    for (const check of checks) {
      for (const control of new Set(check.controls.iso27001)) {
        const list = this.checksByControl.get(control);
        if (list) list.push(check.id);
        else this.checksByControl.set(control, [check.id]);
      }
    }
  }

  evaluated(checkId: string): void {
    this.evaluatedChecks.add(checkId);
  }

  finding(finding: Finding): void {
    // A merged finding (one problem flagged by several checks) fails each of them.
    for (const checkId of finding.rules ?? [finding.checkId]) {
      this.evaluatedChecks.add(checkId);
      this.failedChecks.add(checkId);
      this.findingsByCheck.set(checkId, (this.findingsByCheck.get(checkId) ?? 0) + 1);
    }
    for (const control of new Set(finding.controls.iso27001)) {
      this.findingsByControl.set(control, (this.findingsByControl.get(control) ?? 0) + 1);
    }
  }

  controls(): ControlStatus[] {
    return ISO27001_CONTROLS.map((control) => {
      const { id, title, theme } = control;
      const mapped = this.checksByControl.get(id) ?? [];
      const checksEvaluated = mapped.filter((c) => this.evaluatedChecks.has(c));
      const checksFailed = mapped.filter((c) => this.failedChecks.has(c));
      const findings = this.findingsByControl.get(id) ?? 0;
      const exclusion = this.config.applicability.find((a) => a.control === id && !a.applicable);
      const owner = this.config.owners.find((o) => o.control === id)?.owner;
      const status: ControlStatusValue = exclusion ? 'not-applicable'
        : findings > 0 ? 'fail'
        : checksEvaluated.length > 0 ? 'pass'
        : 'manual';
      const findingsByCheck: Record<string, number> = {};
      for (const check of checksFailed) findingsByCheck[check] = this.findingsByCheck.get(check) ?? 0;
      const result: ControlStatus = {
        id, title, theme, status, automation: automationOf(control, mapped), findings,
        checks: [...mapped], findingsByCheck, checksEvaluated, checksFailed,
      };
      if (exclusion) result.justification = exclusion.justification;
      if (owner) result.owner = owner;
      return result;
    });
  }
}
