import { z } from 'zod';

/**
 * The three kinds of scanned post NAV's vendor delivers, each with its own XSD (schemas/xsd):
 * other post (postboks-ovrig-3.0.0), sick-leave post (postboks-helse-1.0.0, with a `.ocr`
 * sidecar), and post with a cover-sheet reference number (postboks-referansenummer-3.0.0).
 */
export const POST_KINDS = ['ovrig', 'helse', 'referansenummer'] as const;
export type PostKind = (typeof POST_KINDS)[number];

/**
 * One document's `skanningmetadata`, after NAV's XSD accepted it, in one shape for all three
 * kinds (field names as in postboks-ovrig; helse's `brukerid`/`skanninginfo` are mapped).
 * Values are the vendor's strings; empty optional fields are left out, as NAV's mapper does.
 */
export interface SkanningMetadata {
  kind: PostKind;
  journalpost: {
    bruker?: { brukerId: string; brukertype: string };
    tema?: string;
    brevKode?: string;
    journalforendeEnhet?: string;
    /** Cover-sheet reference (løpenummer) of referansenummer post. */
    referansenummer?: string;
    mottakskanal: string;
    datoMottatt: string;
    batchnavn: string;
    filnavn?: string;
    endorsernr?: string;
    antallSider?: string;
    /** ISO 3166-1 alpha-2 country of the sender; only on SED documents. */
    land?: string;
  };
  skanningInfo: { fysiskPostboks?: string; strekkodePostboks: string };
  /** What the vendor's metadata or the cover-sheet look-up settled (NAV's mapping: tema UKJ when unknown). */
  resolved?: {
    tema: string;
    brevKode?: string;
    tittel?: string;
    brukerId?: string;
    /** referansenummer post: the cover sheet was found (false = filed with tema UKJ). */
    foerstesideFound?: boolean;
  };
  /** Object-store keys of the pair's XML and the vendor's `.ocr` text, when delivered. */
  files?: { xml?: string; ocr?: string };
  /** The vendor's own OCR text (`.ocr` sidecar), cut to a size fit for the database. */
  vendorOcrText?: string;
}

/** data/postbokser.json: what a sick-leave post box means (NAV's PostboksHelseTema). */
export const Postbokser = z.object({
  source: z.string().min(1),
  helse: z.array(z.object({
    strekkodePostboks: z.string().regex(/^\d{4}$/),
    brevKode: z.string().min(1),
    tema: z.string().regex(/^[A-Z]{3}$/),
    tittel: z.string().min(1),
  }).strict()).min(1),
}).strict();
export type Postbokser = z.infer<typeof Postbokser>;
