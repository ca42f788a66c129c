import { z } from 'zod';

export const UNIT_TYPES = ['nav-kontor', 'forvaltning', 'pensjon', 'hjelpemiddelsentral', 'internasjonalt', 'vikafossen', 'manual'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const DOCUMENT_KINDS = ['claim', 'attachment', 'follow-up', 'report-card', 'complaint', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

const temaCode = z.string().regex(/^[A-Z]{3}$/);
export const FORM_NUMBER_RE = /^[A-Z]{2,4} \d{2}-\d{2}\.\d{2}[A-Z]?$/;

export const FormRow = z.object({ skjemanummer: z.string().regex(FORM_NUMBER_RE), tema: temaCode, tittel: z.string().min(3) });
export type FormRow = z.infer<typeof FormRow>;

export const TemaRow = z.object({
  tema: temaCode,
  navn: z.string().min(2),
  aktivitetskrav: z.enum(['ja', 'nei']),
  vanlig_mottaker: z.string(),
  merknad: z.string(),
});
export type TemaRow = z.infer<typeof TemaRow>;

export const UnitSchema = z.object({
  id: z.string().regex(/^\d{4}$/),
  name: z.string().min(3),
  type: z.enum(UNIT_TYPES),
  tema: z.array(temaCode).default([]),
  counties: z.array(z.string().regex(/^\d{2}$/)).default([]),
  /** Special duties: NAV employees' own cases (forvaltning), uføre decision authority for `counties` (nav-kontor). */
  handles: z.array(z.enum(['skjermet', 'ufore-vedtak'])).default([]),
});
export type Unit = z.infer<typeof UnitSchema>;
export const UnitsFile = z.object({ source: z.string().min(10), units: z.array(UnitSchema).min(1) });

const District = z.object({ number: z.string().regex(/^\d{6}$/), name: z.string(), navOffice: z.string().regex(/^\d{4}$/) });
export const MunicipalitySchema = z
  .object({
    number: z.string().regex(/^\d{4}$/),
    name: z.string(),
    navOffice: z.string().regex(/^\d{4}$/).optional(),
    districts: z.array(District).optional(),
  })
  .refine((m) => Boolean(m.navOffice) !== Boolean(m.districts?.length), {
    message: 'a municipality has either one NAV office or districts with offices',
  });
export type Municipality = z.infer<typeof MunicipalitySchema>;
export const MunicipalitiesFile = z.object({ source: z.string().min(10), municipalities: z.array(MunicipalitySchema).min(1) });

/** A destination in a routing rule: a unit type, resolved to a unit per document. */
export const DestinationSpec = z.object({
  unitType: z.enum(UNIT_TYPES),
  /**
   * For forvaltning: `skjermet` picks the unit for NAV employees' own cases instead of by tema.
   * For nav-kontor: `ufore-vedtak` picks the office holding uføre decision authority for the
   * person's county (000 ~2292, 2592), falling back to the person's own office.
   */
  select: z.enum(['by-tema', 'skjermet', 'ufore-vedtak']).default('by-tema'),
});
export type DestinationSpec = z.infer<typeof DestinationSpec>;

export const RuleCondition = z
  .object({
    addressProtection: z.array(z.enum(['none', 'fortrolig', 'strengt-fortrolig'])).optional(),
    skjermet: z.boolean().optional(),
    personKnown: z.boolean().optional(),
    abroad: z.boolean().optional(),
    /** The classification is in doubt (below its confidence threshold). */
    needsManual: z.boolean().optional(),
    tema: z.array(temaCode).min(1).optional(),
    kind: z.array(z.enum(DOCUMENT_KINDS)).min(1).optional(),
  })
  .strict();
export type RuleCondition = z.infer<typeof RuleCondition>;

export const RuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string().min(5),
    /** Where the rule comes from: a seed document and lines, a white paper, a decision. */
    source: z.string().min(5),
    when: RuleCondition,
    /** Destinations; a rule without them only sets `restrict` and lets later rules decide. */
    to: z.array(DestinationSpec).max(2).optional(),
    restrict: z.enum(['strengt-fortrolig', 'fortrolig', 'skjermet']).optional(),
  })
  .strict()
  .refine((r) => r.to?.length || r.restrict, { message: 'a rule needs destinations (to) or a restriction' });
export type Rule = z.infer<typeof RuleSchema>;

export const PolicySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    source: z.string().min(5),
    rules: z.array(RuleSchema).min(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    for (const r of p.rules) {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', message: `duplicate rule id ${r.id}` });
      ids.add(r.id);
    }
    // Kode 6: the address may never leave NAV Vikafossen, so that rule comes first and delivers nowhere else.
    p.rules.forEach((r, i) => {
      if (!r.when.addressProtection?.includes('strengt-fortrolig')) return;
      if (i !== 0 || !r.to || r.to.some((d) => d.unitType !== 'vikafossen') || r.restrict !== 'strengt-fortrolig') {
        ctx.addIssue({ code: 'custom', message: `regel ${r.id}: regelen for strengt fortrolig adresse (kode 6) må være første regel, begrense innsyn (restrict) og bare gå til NAV Vikafossen` });
      }
      // Narrowed (e.g. only tema AAP), the rule would let other kode-6 documents fall through to rules that may not take them.
      const keys = Object.keys(r.when);
      if (keys.length !== 1 || r.when.addressProtection!.length !== 1) {
        ctx.addIssue({ code: 'custom', message: `regel ${r.id}: regelen for kode 6 må gjelde alle dokumenter til personer med strengt fortrolig adresse (bare "addressProtection": ["strengt-fortrolig"], ikke smalere)` });
      }
    });
    if (!p.rules.some((r) => r.when.addressProtection?.includes('strengt-fortrolig'))) {
      ctx.addIssue({ code: 'custom', message: 'en rutingspolicy må ha en første regel for strengt fortrolig adresse (kode 6)' });
    }
    // Refinements run even when `rules` failed its own checks (e.g. empty): guard, don't crash.
    const last = p.rules.at(-1);
    if (!last) return;
    if (Object.keys(last.when).length > 0 || !last.to) {
      ctx.addIssue({ code: 'custom', message: 'the last rule must be a default: empty "when" and a destination' });
    }
  });
export type Policy = z.infer<typeof PolicySchema>;
