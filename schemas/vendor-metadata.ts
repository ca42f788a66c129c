import { z } from 'zod';

const optionalText = z.preprocess((v) => (v === '' || v === null ? undefined : typeof v === 'number' ? String(v) : v), z.string().optional());
const requiredText = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1));

/** The scanning vendor's `skanningmetadata` XML, one per document in a batch zip. */
export const SkanningMetadata = z.object({
  skanningmetadata: z.object({
    journalpost: z.object({
      bruker: z
        .object({ brukerId: optionalText, brukertype: optionalText })
        .optional(),
      tema: optionalText,
      brevKode: optionalText,
      journalforendeEnhet: optionalText,
      mottakskanal: requiredText,
      datoMottatt: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'datoMottatt must be YYYY-MM-DD')),
      batchnavn: requiredText,
      filnavn: requiredText,
      endorsernr: optionalText,
      antallSider: z.coerce.number().int().min(1).max(10_000).optional(),
    }),
    skanningInfo: z
      .object({ fysiskPostboks: optionalText, strekkodePostboks: optionalText })
      .optional(),
  }),
});
export type SkanningMetadata = z.infer<typeof SkanningMetadata>['skanningmetadata'];
