/**
 * The library entry's checks for the decision's parts beside the coordinator (src/library.ts holds those of
 * the coordinator, decide, resolveConfig and simulate; src/library-fill.ts the fill model's objects): the
 * decision record, its explanation and its summary. Each checks what a user passes and throws a
 * ValidationError naming the argument, its value and what to pass (the bar loaders: src/library-data.ts).
 */
import type { Issue } from './core/errors.js';
import { unknownOptionIssues } from './core/option-names.js';
import type { Decision } from './core/policy/decision.js';
import { decisionRecord as decisionRecordInternal } from './core/policy/record.js';
import { renderDecision, type Validities } from './explain/render.js';
import { decisionSummary as decisionSummaryInternal } from './explain/summary.js';
import { fail, isObject } from './library-checks.js';

/** A Decision from decide() or a coordinator, or the issue naming what was passed instead. */
function decisionIssues(decision: unknown): Issue[] {
  const ok =
    isObject(decision) &&
    typeof decision.action === 'string' &&
    Number.isFinite(decision.time) &&
    isObject(decision.request) &&
    (decision.candidates === null || isObject(decision.candidates));
  return ok
    ? []
    : [
        {
          where: 'decision',
          message:
            'must be a Decision as decide() returns it (or a coordinator passes to onDecision, or outcome.decision)',
          value: isObject(decision) ? Object.keys(decision) : decision,
        },
      ];
}

/** A decision as plain JSON, refusing anything that is not a decision from decide() or a coordinator. */
export function decisionRecord(decision: Decision): Record<string, unknown> {
  fail('Invalid decisionRecord() input', decisionIssues(decision));
  return decisionRecordInternal(decision);
}

/**
 * A decision as `worksteal explain` prints it: the verdict and its reason, the request, the capacity
 * arithmetic, under a value ranking the valuations and the steal inequality with its numbers, then every
 * candidate with why it was or was not a victim. `validity`, under a value ranking: until when the request
 * and each order were valued (a "valid until" column); leave it out otherwise.
 */
export function explainDecision(decision: Decision, validity?: Validities): string {
  const issues = decisionIssues(decision);
  if (
    validity !== undefined &&
    !(isObject(validity) && Number.isFinite(validity.request) && typeof validity.order === 'function')
  )
    issues.push({
      where: 'validity',
      message:
        'must be { request: epoch ms, order: (id) => epoch ms } (the validUntil your valuator used), or absent',
      value: validity,
    });
  else if (validity !== undefined)
    issues.push(...unknownOptionIssues(validity, ['request', 'order'], 'validity'));
  fail('Invalid explainDecision() input', issues);
  return renderDecision(decision, validity);
}

/**
 * A decision in one sentence with its numbers: why it waits or blocks (what `worksteal serve` answers a bot in
 * `detail`), or what a place or a steal does; the line under the verdict of {@link explainDecision}.
 */
export function decisionSummary(decision: Decision): string {
  fail('Invalid decisionSummary() input', decisionIssues(decision));
  return decisionSummaryInternal(decision);
}
