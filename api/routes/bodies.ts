import { z } from 'zod';
import { PolicySchema } from '../../schemas/reference.ts';
import type { LookupEntry } from '../../services/audit.service.ts';
import type { BatchOverview, Reconciliation, UploadReport } from '../../services/batches.service.ts';
import type { Deviation, DeviationStatistics } from '../../services/deviations.service.ts';
import type { DocumentView } from '../../services/document.service.ts';
import type { InboxItem, ReturnResult } from '../../services/inbox.service.ts';
import type { ManualItem, ResolveResult } from '../../services/manual-queue.service.ts';
import type { Overview } from '../../services/overview.service.ts';
import type { ModelsView, RetrainSummary, ThresholdOverview } from '../../services/learning.service.ts';
import type { SystemReconciliation } from '../../services/system-reconciliation.service.ts';
import type { ActivePolicyView, LoadResult, PolicyFile, PolicySwitch, PolicyVersion } from '../../services/policy.service.ts';
import type { BatchSummary } from '../../services/summary.service.ts';
import type { Timeline } from '../../services/timeline.service.ts';
import type { CorrectionRow } from '../../storage/repositories/corrections.repository.ts';
import type { UserRow } from '../../storage/repositories/users.repository.ts';

/**
 * Success bodies of the API, for validation on the way out (fields not listed here are dropped)
 * and for the OpenAPI document. `exact<T>()` makes the compiler check that a schema describes the
 * service's result type field for field, so the documentation cannot drift from the code.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const exact = <T>() => <S extends z.ZodType>(schema: S, ..._check: Same<z.output<S>, T> extends true ? [] : [never]): S => schema;

const iso = z.string().describe('date and time, ISO 8601');
const unit = z.object({ unitId: z.string(), name: z.string() });

export const paged = <T extends z.ZodType>(item: T) => z.object({
  items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int().describe('items in all pages'),
});

const Role = z.enum(['operator', 'caseworker', 'status-reader', 'admin']);
const Protection = z.enum(['strengt-fortrolig', 'fortrolig', 'skjermet']).nullable()
  .describe('strengt-fortrolig: kode 6 (only NAV Vikafossen); fortrolig: kode 7; skjermet: a NAV employee\'s own case');

export const UserBody = exact<UserRow>()(z.object({
  id: z.string(), name: z.string(), role: Role, source: z.enum(['dev', 'oidc']), active: z.boolean(), units: z.array(z.string()),
}));

export const MeBody = z.object({
  id: z.string(), name: z.string(), role: Role, units: z.array(z.string()), unitNames: z.record(z.string(), z.string()),
  handlesProtected: z.boolean().describe("a caseworker of NAV Vikafossen: handles strictly confidential documents, also in their own manual queue"),
});

export const BatchBody = exact<BatchOverview>()(z.object({
  id: z.string(), name: z.string(), source: z.string(), createdAt: iso,
  documents: z.number(), processing: z.number(), manual: z.number(), delivered: z.number(), archived: z.number(),
  setAside: z.number(), duplicates: z.number(), pages: z.number(), pagesRead: z.number(),
  finished: z.boolean().describe('every document has left the pipeline'),
}));

export const NewBatchBody = z.object({ id: z.string(), name: z.string(), source: z.string(), createdAt: iso });

export const ReconciliationBody = exact<Reconciliation>()(z.object({
  batch: BatchBody,
  received: z.number().describe('files received = documents + duplicates + set aside'),
  processed: z.number(),
  documents: z.array(z.object({
    id: z.string(), file: z.string(), status: z.string(), stage: z.string(), pages: z.number().nullable(), tema: z.string().nullable(),
    protected: z.boolean().describe('a strictly confidential document: counted, not described'),
    mergedInto: z.string().nullable().describe('merged into this document'),
  })),
  setAside: z.array(z.object({ name: z.string(), reason: z.string() })),
}));

export const BatchSummaryBody = exact<BatchSummary>()(z.object({
  batchId: z.string(), done: z.boolean(),
  rows: z.array(z.object({
    documentId: z.string(), file: z.string(), status: z.string(), stage: z.string(), formNumber: z.string().nullable(), tema: z.string().nullable(),
    kind: z.string().nullable(), caseId: z.string().nullable(), rule: z.string().nullable(), units: z.array(z.string()), pages: z.number().nullable(),
  })),
  setAside: z.array(z.object({ name: z.string(), reason: z.string() })),
  pages: z.number(), firstReceived: z.string().nullable(), lastFinished: z.string().nullable(),
}));

export const IngestReportBody = exact<UploadReport>()(z.object({
  batchId: z.string(),
  documents: z.array(z.object({ file: z.string(), documentId: z.string() })),
  duplicates: z.array(z.object({ file: z.string(), existingDocumentId: z.string().nullable().describe('null: the earlier document is one you may not see') })),
  setAside: z.array(z.object({ file: z.string(), reason: z.string() })),
}));

export const ManualItemBody = exact<ManualItem>()(z.object({
  documentId: z.string(), batchId: z.string(), fileName: z.string(), reason: z.string().nullable(), stage: z.string(), pages: z.number().nullable(),
  tema: z.string().nullable(), formNumber: z.string().nullable(), kind: z.string().nullable(), personId: z.string().nullable(),
  confidence: z.number().nullable(), receivedAt: iso, protection: Protection,
}));

export const DestinationUnitBody = z.object({ unitId: z.string(), name: z.string(), type: z.string() });

export const DocumentBody = exact<DocumentView>()(z.object({
  id: z.string(), batchId: z.string(), file: z.string(), title: z.string().nullable(), status: z.string(), stage: z.string(),
  tema: z.string().nullable(), formNumber: z.string().nullable(), kind: z.string().nullable(), confidence: z.number().nullable(),
  personId: z.string().nullable(), personName: z.string().nullable(), caseId: z.string().nullable(), receivedAt: iso,
  manualReason: z.string().nullable().describe('why it waits for a person, in words'), reasons: z.array(z.string()).describe("the machine's reasons for its reading, in words"),
  route: z.object({ rule: z.string(), ruleText: z.string().describe('the rule and what it means'), units: z.array(unit) }).nullable(),
  deliveries: z.array(unit.extend({ takenBy: z.string().nullable(), takenAt: z.string().nullable(), returnedAt: z.string().nullable() })),
  returns: z.array(unit.extend({ reason: z.string(), at: iso })).describe('units that sent it back, and why'),
  protection: Protection,
  pages: z.array(z.object({ pageNo: z.number(), width: z.number(), height: z.number(), text: z.string().nullable(), confidence: z.number().nullable() })),
  hasArchivePdf: z.boolean(),
}));

export const ResolveBody = exact<ResolveResult>()(z.object({
  documentId: z.string(), caseId: z.string(), outcome: z.enum(['delivered', 'manual']), units: z.array(unit), corrections: z.number(),
}));

export const SplitBody = z.object({ documentId: z.string(), newDocumentId: z.string() });
export const MergeBody = z.object({ documentId: z.string(), pages: z.number() });

export const InboxItemBody = exact<InboxItem>()(z.object({
  documentId: z.string(), title: z.string().nullable(), tema: z.string().nullable(), formNumber: z.string().nullable(), kind: z.string().nullable(),
  caseId: z.string().nullable(), personId: z.string().nullable(), pages: z.number().nullable(), receivedAt: iso, deliveredAt: iso,
  takenBy: z.string().nullable(), takenAt: z.string().nullable(),
  expectedAttachment: z.string().nullable().describe('what a claim of this tema is expected to bring'),
  missingAttachment: z.boolean(),
  missingAttachments: z.array(z.string()).describe('attachments the cover sheet listed that have not come'),
  protection: Protection,
  letter: z.object({ sentAt: z.string().nullable(), waitingFor: z.number().int() }).nullable().describe('a letter to the person about missing attachments, and how many items are still awaited'),
}));

export const ReturnBody = exact<ReturnResult>()(z.object({
  documentId: z.string(), outcome: z.enum(['rerouted', 'mail-room', 'special-unit']).describe("special-unit: kept in NAV Vikafossen's own manual queue (kode 6)"),
  units: z.array(unit), bounced: z.boolean(),
}));

export const TimelineBody = exact<Timeline>()(z.object({
  kind: z.enum(['document', 'batch', 'case', 'person']), id: z.string(),
  documents: z.array(z.object({
    id: z.string(), file: z.string(), title: z.string().nullable(), status: z.string(), stage: z.string(), pages: z.number().nullable(),
    formNumber: z.string().nullable(), tema: z.string().nullable(), kind: z.string().nullable(),
    person: z.string().nullable().describe('masked fødselsnummer'), caseId: z.string().nullable(), receivedAt: iso,
    route: z.object({ policy: z.string(), rule: z.string(), units: z.array(unit) }).nullable(),
    deliveries: z.array(unit.extend({ deliveredAt: iso, takenAt: z.string().nullable(), returnedAt: z.string().nullable() })),
    now: z.string().describe('where the document is now, in words'),
    history: z.array(z.object({ at: iso, type: z.string(), text: z.string() })),
  })),
}));

const DeviationKind = z.enum(['misrouted', 'bounced', 'missing-attachment', 'stuck']);

export const DeviationBody = exact<Deviation>()(z.object({
  id: z.number(), kind: DeviationKind, documentId: z.string().nullable(), caseId: z.string().nullable(), unitId: z.string().nullable(),
  unitName: z.string().nullable(), ruleText: z.string().nullable().describe('the rule and what it means'), policyId: z.string().nullable(), ruleId: z.string().nullable(), reason: z.string().nullable(),
  reportedBy: z.string().nullable(), detectedAt: iso, resolvedAt: z.string().nullable(), tema: z.string().nullable(),
  resolvedBy: z.string().nullable(), resolutionNote: z.string().nullable().describe('why it was closed'),
  documentStatus: z.string().nullable().describe("the document's status now"),
}));

export const DeviationStatsBody = exact<DeviationStatistics>()(z.object({
  perRule: z.array(z.object({ policyId: z.string(), ruleId: z.string(), ruleText: z.string(), routed: z.number(), misrouted: z.number(), bounced: z.number() })),
  perUnit: z.array(z.object({
    unitId: z.string(), unitName: z.string(), misrouted: z.number(), bounced: z.number(), missingAttachment: z.number(), stuck: z.number(), open: z.number(),
  })),
  lastSweepAt: z.string().nullable().describe('when the background sweep last looked for stuck documents and missing attachments'),
}));

const ErrorCounts = { documents: z.number().describe('documents routed by the pipeline whose outcome is known'), automatic: z.number().describe('of them routed without a person'), wrong: z.number().describe('of those, corrected afterwards or sent back as misrouted') };
const Threshold = z.number().nullable().describe('confidence from which the field lets a document through; null: no evidence yet, the classifier\'s own threshold');
export const ThresholdOverviewBody = exact<ThresholdOverview>()(z.object({
  ceiling: z.number().describe('the ceiling of wrong automatic decisions the thresholds hold (LEARNING_ERROR_CEILING)'),
  activeVersion: z.number().describe('classifier model in force (0: the shipped one)'),
  byField: z.array(z.object({ field: z.enum(['tema', 'person', 'form']), ...ErrorCounts, threshold: Threshold })),
  byTema: z.array(z.object({ tema: z.string(), ...ErrorCounts, thresholds: z.object({ tema: Threshold, person: Threshold, form: Threshold }) })),
}));

export const OverviewBody = exact<Overview>()(z.object({
  learning: ThresholdOverviewBody,
  pagesPerHour: z.array(z.object({ hour: iso, pages: z.number() })),
  queues: z.array(z.object({ stage: z.string(), waiting: z.number(), active: z.number(), delayed: z.number(), failed: z.number() })),
  documentsPerStage: z.array(z.object({ status: z.string(), stage: z.string(), documents: z.number() })),
  perUnit: z.array(z.object({ unitId: z.string(), name: z.string(), total: z.number(), tema: z.record(z.string(), z.number()) })),
  scanToDelivery: z.array(z.object({ tema: z.string().nullable(), documents: z.number(), p50: z.number().nullable(), p95: z.number().nullable() })),
}));

export const SystemReconciliationBody = exact<SystemReconciliation>()(z.object({
  thresholdMinutes: z.number().int().describe('NO_JOB_AFTER_MINUTES: older than this, not finished and with no live job is stuck'),
  days: z.array(z.object({
    day: z.string().describe('day of receipt in Norway, YYYY-MM-DD'), received: z.number().int(), delivered: z.number().int().describe('delivered with its archive PDF'),
    manual: z.number().int(), merged: z.number().int(), setAside: z.number().int(), moving: z.number().int().describe('not finished yet (delivered but not archived included)'),
    stuck: z.number().int().describe('of those moving: older than the threshold with no live job'),
  })),
  stuck: z.array(z.object({ documentId: z.string(), day: z.string(), status: z.string(), stage: z.string(), receivedAt: iso, minutes: z.number().int() })),
  queueUnavailable: z.boolean().describe('Redis did not answer: no document is called stuck'),
})).describe('the whole system per day, without strictly confidential documents');

export const QueueCountsBody = z.record(z.string(), z.record(z.string(), z.number())).describe('job counts per stage and state');

export const LookupBody = exact<LookupEntry>()(z.object({
  id: z.number(), at: iso, actor: z.string(), userId: z.string().nullable(), role: z.string().nullable(), channel: z.enum(['api', 'web', 'cli']),
  purpose: z.string(), action: z.string(), subject: z.string(), personIds: z.array(z.string()), documentIds: z.array(z.string()),
  outcome: z.enum(['granted', 'denied', 'not-found']),
}));

export const CorrectionBody = exact<Omit<CorrectionRow, 'correctedAt'> & { correctedAt: string }>()(z.object({
  id: z.number(), documentId: z.string(), field: z.enum(['personId', 'tema', 'formNumber', 'kind', 'split', 'merge']),
  machineValue: z.string().nullable(), correctedValue: z.string().nullable(), correctedBy: z.string(), correctedAt: iso,
}));

export const ActivePolicyBody = exact<ActivePolicyView>()(z.object({
  version: z.number().nullable().describe('null: the configured default (ROUTING_POLICY)'),
  origin: z.string(), activatedBy: z.string().nullable(), activatedAt: z.string().nullable(), policy: PolicySchema,
}));

export const PolicyVersionBody = exact<PolicyVersion>()(z.object({
  version: z.number(), policyId: z.string(), title: z.string(), sha256: z.string(), origin: z.string(), loadedBy: z.string(), loadedAt: iso,
  rules: z.number(), active: z.boolean(),
}));

export const LoadPolicyBody = exact<LoadResult>()(z.object({ version: PolicyVersionBody, created: z.boolean(), active: ActivePolicyBody }));

export const PolicySwitchBody = exact<PolicySwitch>()(z.object({
  id: z.number(), version: z.number().nullable(), policyId: z.string().nullable(), activatedBy: z.string(), activatedAt: iso,
}));

export const PolicyFileBody = exact<PolicyFile>()(z.object({
  file: z.string(), policyId: z.string().nullable(), title: z.string().nullable(), problem: z.string().nullable(),
}));

export const CoverSheetBody = z.object({
  loepenummer: z.string(), tema: z.string(), formNumber: z.string().optional(), followUp: z.boolean(), title: z.string(),
  personId: z.string().optional(), attachments: z.array(z.string()), unit: z.string().optional(), language: z.string(), createdAt: iso,
});

/** A binary body (page image, PDF), documented by content type; sent as a Buffer, never serialised. */
export const binary = (contentType: string, description: string) => ({
  description, content: { [contentType]: { schema: z.any().meta({ type: 'string', format: 'binary' }) } },
});

const ScoreBody = z.object({
  docs: z.number(), temaRight: z.number(), content: z.number(), contentRight: z.number(), automatic: z.number(), automaticWrong: z.number(),
});
const Scores = z.object({ heldOut: ScoreBody, independent: ScoreBody, unseen: ScoreBody.describe('every labelled document the model in force never learnt from') });

export const RetrainBody = exact<RetrainSummary>()(z.object({
  version: z.number().describe('the candidate model\'s version'),
  outcome: z.enum(['promoted', 'refused']),
  reason: z.string(),
  refreshedVersion: z.number().nullable().describe('when the candidate was refused: the model in force with thresholds learnt afresh'),
  activeBefore: z.number(), activeAfter: z.number(),
  scores: z.object({ candidate: Scores, active: Scores }),
  trainedOn: z.object({
    corpus: z.number(), corrections: z.number(), heldOut: z.number(), independent: z.number(),
    activeUnseen: z.number().describe('labelled documents the model in force never learnt from: evidence for its thresholds'),
    crossFitFolds: z.number().optional(),
  }),
}));

const Small = z.object({ docs: z.number(), temaRight: z.number() });
export const ModelsBody = exact<ModelsView>()(z.object({
  items: z.array(z.object({
    version: z.number(), outcome: z.enum(['promoted', 'refused']), reason: z.string(), createdBy: z.string(), createdAt: iso, active: z.boolean(),
    decisions: z.number().describe('routing decisions made with this model'), trainedOn: z.record(z.string(), z.unknown()),
    heldOut: z.object({ docs: z.number(), temaRight: z.number(), automatic: z.number(), automaticWrong: z.number() }),
    independent: Small,
    activeScores: z.object({ heldOut: Small, independent: Small }).nullable(),
  })),
  page: z.number().int(), pageSize: z.number().int(), total: z.number().int(),
  activeVersion: z.number(),
  activations: z.array(z.object({ version: z.number(), activatedBy: z.string(), reason: z.string(), activatedAt: iso })),
  shippedDecisions: z.number(),
}));
